import Graph

/// The distillation objectives, their value and their gradient with respect to the student's logits.
///
/// Computed in float64 from fp32 logits (log-sum-exp with the row max subtracted), averaged over the batch:
/// - soft (Hinton): `(1−α)·CE(s, y) + α·T²·KL(softmax(t/T) ‖ softmax(s/T))`, KL summed over classes and
///   averaged over samples (PyTorch `kl_div(..., reduction="batchmean")`);
/// - hard (DeiT): `(1−α)·CE(s, y) + α·CE(s, argmax t)`;
/// - with a distillation token (DeiT): `(1−α)·CE(s_cls, y) + α·D(s_dist, t)` with D the soft or hard term.
/// Without labels α is 1 (and with a distillation token the class head is trained on the teacher's argmax).
/// - cosine (headless teachers: image embeddings or pooled features): `FeatureLoss.cosine`, the mean of
///   `1 − cos(student, teacher)`; labels and α play no part.
public struct DistillLoss: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case soft, hard, cosine }
    public var kind: Kind
    public var alpha: Double
    public var temperature: Double

    public init(kind: Kind = .soft, alpha: Double = 0.5, temperature: Double = 1) {
        self.kind = kind
        self.alpha = alpha
        self.temperature = temperature
    }

    /// Loss parts of one batch.
    public struct Value: Sendable {
        public var total: Double
        /// Cross-entropy against the labels (nil without labels).
        public var ce: Double?
        /// The distillation term before weighting (T²·KL or CE against the teacher's argmax).
        public var distill: Double
    }

    /// Evaluates the loss and writes ∂loss/∂logits into `dLogits` (and `dDistLogits` for a dist head).
    /// - Parameters: `student`, `teacher`: `[N, K]`; `labels`: N class indices or nil; `distLogits`: the dist head.
    public func evaluate(student: Tensor, distLogits: Tensor? = nil, teacher: Tensor, labels: [Int]?,
                         dLogits: Tensor, dDistLogits: Tensor? = nil) -> Value {
        if kind == .cosine {
            let v = FeatureLoss.cosine(student: student, teacher: teacher, grad: dLogits)
            return Value(total: v.loss, ce: nil, distill: v.loss)
        }
        let n = student.shape[0], k = student.shape[1]
        let a = labels == nil ? 1.0 : alpha
        let hardTargets = (0..<n).map { argmax(teacher.floats + $0 * k, k) }
        let distHead = distLogits ?? student
        var ceSum = 0.0, distSum = 0.0
        let gS = dLogits.mutableFloats
        for i in 0..<k * n { gS[i] = 0 }
        let gD = distLogits != nil ? dDistLogits!.mutableFloats : gS
        if distLogits != nil { for i in 0..<k * n { gD[i] = 0 } }
        for b in 0..<n {
            let s = student.floats + b * k, ds = distHead.floats + b * k, t = teacher.floats + b * k
            // Class-head cross-entropy: against the labels, or with a dist token and no labels, the teacher's argmax.
            let ceTarget = labels?[b] ?? (distLogits != nil ? hardTargets[b] : nil)
            let ceWeight = labels == nil ? (distLogits != nil ? 1.0 : 0.0) : 1 - a
            if let y = ceTarget, ceWeight > 0 {
                let p = softmax(s, k, 1)
                ceSum += -log(max(p[y], .leastNonzeroMagnitude))
                for j in 0..<k { gS[b * k + j] += Float(ceWeight * (p[j] - (j == y ? 1 : 0)) / Double(n)) }
            }
            switch kind {
            case .soft:
                let T = temperature
                let ps = softmax(ds, k, T), pt = softmax(t, k, T)
                let lps = logSoftmax(ds, k, T), lpt = logSoftmax(t, k, T)
                var kl = 0.0
                for j in 0..<k where pt[j] > 0 { kl += pt[j] * (lpt[j] - lps[j]) }
                distSum += T * T * kl
                for j in 0..<k { gD[b * k + j] += Float(a * T * (ps[j] - pt[j]) / Double(n)) }
            case .hard, .cosine:  // cosine returned above
                let y = hardTargets[b]
                let p = softmax(ds, k, 1)
                distSum += -log(max(p[y], .leastNonzeroMagnitude))
                for j in 0..<k { gD[b * k + j] += Float(a * (p[j] - (j == y ? 1 : 0)) / Double(n)) }
            }
        }
        let ce = ceSum / Double(n), dist = distSum / Double(n)
        let ceWeight = labels == nil ? (distLogits != nil ? 1.0 : 0.0) : 1 - a
        return Value(total: ceWeight * ce + a * dist, ce: labels == nil ? nil : ce, distill: dist)
    }

    func softmax(_ x: UnsafePointer<Float>, _ k: Int, _ T: Double) -> [Double] {
        let l = logSoftmax(x, k, T)
        return l.map { exp($0) }
    }

    func logSoftmax(_ x: UnsafePointer<Float>, _ k: Int, _ T: Double) -> [Double] {
        var m = -Double.infinity
        for j in 0..<k { m = max(m, Double(x[j]) / T) }
        var sum = 0.0
        for j in 0..<k { sum += exp(Double(x[j]) / T - m) }
        let lse = m + log(sum)
        return (0..<k).map { Double(x[$0]) / T - lse }
    }

    func argmax(_ x: UnsafePointer<Float>, _ k: Int) -> Int {
        var best = 0
        for j in 1..<k where x[j] > x[best] { best = j }
        return best
    }
}

#if canImport(Glibc)
import Glibc
#endif
