#if canImport(Glibc)
import Glibc
#endif
import Graph

/// Feature distillation for headless teachers: the student's output (image embedding or pooled
/// features) regresses the teacher's by cosine distance,
/// `L = (1/N)·Σ_b (1 − cos(s_b, t_b))`, `cos(s, t) = s·t / (max(‖s‖, ε)·max(‖t‖, ε))`, ε = 1e-8
/// (PyTorch `1 - F.cosine_similarity(s, t, dim=-1, eps=1e-8)`, averaged), computed in float64.
/// Its gradient: `∂L/∂s_b = −(1/N)·(t_b/(‖s_b‖‖t_b‖) − cos_b·s_b/‖s_b‖²)` (zero for a zero-norm row, whose
/// direction is undefined). Cosine, not MSE: CLIP and DINOv2 embeddings are compared by angle, and the
/// scale of a smaller student's features need not match the teacher's.
enum FeatureLoss {
    static let epsilon = 1e-8

    /// - Parameters: `student`, `teacher`: `[N, W]`; `grad` receives ∂L/∂student (`[N, W]`, overwritten).
    /// - Returns: the loss and the mean cosine similarity.
    static func cosine(student: Tensor, teacher: Tensor, grad: Tensor) -> (loss: Double, meanCosine: Double) {
        let n = student.shape[0], w = student.shape[1]
        let s = student.floats, t = teacher.floats, g = grad.mutableFloats
        var sum = 0.0
        for b in 0..<n {
            let sb = s + b * w, tb = t + b * w, gb = g + b * w
            var dot = 0.0, ss = 0.0, tt = 0.0
            for j in 0..<w {
                let x = Double(sb[j]), y = Double(tb[j])
                dot += x * y; ss += x * x; tt += y * y
            }
            let ns = max(ss.squareRoot(), epsilon), nt = max(tt.squareRoot(), epsilon)
            let cos = dot / (ns * nt)
            sum += cos
            let zero = ss.squareRoot() < epsilon
            for j in 0..<w {
                gb[j] = zero ? 0 : Float(-(Double(tb[j]) / (ns * nt) - cos * Double(sb[j]) / (ns * ns)) / Double(n))
            }
        }
        return (1 - sum / Double(n), sum / Double(n))
    }
}
