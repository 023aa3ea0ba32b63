import Dispatch
import Foundation
import Formats
import Graph
import Quantize

/// Teacher against student on a held-out set: accuracy (with labels), top-1 agreement, mean
/// KL(teacher ‖ student) at T = 1 (float64, nats per sample), parameters, file sizes, fp32 and int8
/// latency (`LatencyBenchmark`, batch 1, median; int8 is `DynamicQuantization` of each graph in memory
/// on the int8 runtime, as `vitopt bench` makes it), and the training run's figures (images/s, the
/// activation plan and the process's peak RSS while training). For headless models (feature
/// distillation: image embeddings or pooled features, `DistillTeacher.target`) the mean cosine
/// similarity of student and teacher outputs takes the place of agreement and KL.
public struct DistillReport: Codable, Sendable {
    public var samples: Int
    public var teacherTop1: Double?
    public var studentTop1: Double?
    public var agreement: Double?
    public var meanKL: Double?
    /// Headless models: mean over samples of cos(student output, teacher output).
    public var meanCosine: Double?
    public var teacherParameters: Int
    public var studentParameters: Int
    public var teacherFileSize: Int?
    public var studentFileSize: Int?
    public var teacherLatencyMs: Double?
    public var studentLatencyMs: Double?
    public var teacherInt8LatencyMs: Double?
    public var studentInt8LatencyMs: Double?
    /// Training throughput (images/s over the timed steps), activation bytes and peak RSS (bytes).
    public var trainImagesPerSecond: Double?
    public var activationBytes: Int?
    public var trainPeakRSS: Int?

    enum CodingKeys: String, CodingKey {
        case samples, teacherTop1 = "teacher_top1", studentTop1 = "student_top1", agreement, meanKL = "mean_kl", meanCosine = "mean_cosine"
        case teacherParameters = "teacher_parameters", studentParameters = "student_parameters"
        case teacherFileSize = "teacher_file_size", studentFileSize = "student_file_size"
        case teacherLatencyMs = "teacher_fp32_ms", studentLatencyMs = "student_fp32_ms"
        case teacherInt8LatencyMs = "teacher_int8_ms", studentInt8LatencyMs = "student_int8_ms"
        case trainImagesPerSecond = "train_images_per_s", activationBytes = "activation_bytes", trainPeakRSS = "train_peak_rss_bytes"
    }

    /// Runs both graphs over `data` in batches of `batch`.
    public static func evaluate(teacher: ModelGraph, student: ModelGraph, data: Dataset, config: ViTConfig, batch: Int = 64,
                                threads: Int, latencyRuns: Int = 0) throws -> DistillReport {
        let te = try Executor(graph: teacher, threads: threads), se = try Executor(graph: student, threads: threads)
        var tc = 0, sc = 0, agree = 0, kl = 0.0, cosine = 0.0, start = 0
        let loss = DistillLoss()
        let tName = DistillTeacher.target(of: teacher), sName = DistillTeacher.target(of: student)
        let features = tName != "logits" || sName != "logits"
        while start < data.count {
            let range = start..<min(data.count, start + batch)
            let x = try data.batch(range, config: config)
            let t = try DistillTeacher.pooled(te, x), s = try DistillTeacher.pooled(se, x)
            guard t.shape == s.shape else {
                throw DistillError.mismatch("the teacher's \(tName) \(t.shape) and the student's \(sName) \(s.shape) differ in shape")
            }
            let k = t.shape[1]
            if features {
                let v = FeatureLoss.cosine(student: s, teacher: t, grad: Tensor(zeros: .f32, shape: s.shape))
                cosine += v.meanCosine * Double(range.count)
                start = range.upperBound
                continue
            }
            for (row, i) in range.enumerated() {
                let tp = t.floats + row * k, sp = s.floats + row * k
                let ta = loss.argmax(tp, k), sa = loss.argmax(sp, k)
                if ta == sa { agree += 1 }
                if let y = data.labels?[i] { if ta == y { tc += 1 }; if sa == y { sc += 1 } }
                let lt = loss.logSoftmax(tp, k, 1), ls = loss.logSoftmax(sp, k, 1)
                for j in 0..<k { kl += exp(lt[j]) * (lt[j] - ls[j]) }
            }
            start = range.upperBound
        }
        let n = Double(data.count)
        func params(_ g: ModelGraph) -> Int { g.initializers.values.reduce(0) { $0 + $1.count } }
        let labelled = data.labels != nil && !features
        var r = DistillReport(samples: data.count, teacherTop1: labelled ? Double(tc) / n : nil,
                              studentTop1: labelled ? Double(sc) / n : nil, agreement: features ? nil : Double(agree) / n,
                              meanKL: features ? nil : kl / n, meanCosine: features ? cosine / n : nil,
                              teacherParameters: params(teacher), studentParameters: params(student))
        if latencyRuns > 0 {
            r.teacherLatencyMs = try LatencyBenchmark.measure(te, batch: 1, runs: latencyRuns).medianMs
            r.studentLatencyMs = try LatencyBenchmark.measure(se, batch: 1, runs: latencyRuns).medianMs
            // A graph the int8 pass cannot take (already quantized) keeps its int8 column empty.
            func int8(_ g: ModelGraph) -> Double? {
                guard let q = try? DynamicQuantization.apply(g).graph, let e = try? Executor(graph: q, registry: .int8, threads: threads) else { return nil }
                return try? LatencyBenchmark.measure(e, batch: 1, runs: latencyRuns).medianMs
            }
            r.teacherInt8LatencyMs = int8(teacher)
            r.studentInt8LatencyMs = int8(student)
        }
        return r
    }

    /// A human-readable summary.
    public var text: String {
        func pct(_ v: Double?) -> String { v.map { String(format: "%.2f%%", $0 * 100) } ?? "n/a (no labels)" }
        func mb(_ v: Int?) -> String { v.map { String(format: "%.2f MB", Double($0) / 1e6) } ?? "-" }
        func ms(_ v: Double?) -> String { v.map { String(format: "%.2f ms", $0) } ?? "-" }
        var lines = [
            "distillation report (\(samples) evaluation samples)",
            "                 teacher        student",
            "  top-1          \(pct(teacherTop1).padding(toLength: 14, withPad: " ", startingAt: 0)) \(pct(studentTop1))",
            "  parameters     \(String(teacherParameters).padding(toLength: 14, withPad: " ", startingAt: 0)) \(studentParameters)",
            "  file size      \(mb(teacherFileSize).padding(toLength: 14, withPad: " ", startingAt: 0)) \(mb(studentFileSize))",
            "  fp32 latency   \(ms(teacherLatencyMs).padding(toLength: 14, withPad: " ", startingAt: 0)) \(ms(studentLatencyMs))  (batch 1)",
            "  int8 latency   \(ms(teacherInt8LatencyMs).padding(toLength: 14, withPad: " ", startingAt: 0)) \(ms(studentInt8LatencyMs))  (batch 1, dynamic int8)",
        ]
        if let agreement, let meanKL {
            lines.append(String(format: "  top-1 agreement %.2f%%, mean KL(teacher‖student) %.4f", agreement * 100, meanKL))
        }
        if let meanCosine { lines.append(String(format: "  mean cosine(student, teacher) %.4f (feature distillation)", meanCosine)) }
        if let ips = trainImagesPerSecond, let act = activationBytes, let rss = trainPeakRSS {
            lines.append(String(format: "  training: %.1f images/s; activation plan %.1f MB, peak RSS %.1f MB", ips, Double(act) / 1e6, Double(rss) / 1e6))
        }
        if let t = teacherTop1, let s = studentTop1, t > 0 { lines.append(String(format: "  student reaches %.1f%% of the teacher's accuracy", s / t * 100)) }
        return lines.joined(separator: "\n")
    }
}
