import Formats
import Graph

/// Per-epoch evaluation on a held-out set (`vitopt distill --eval`): the student's top-1 accuracy
/// (with labels) and its top-1 agreement with the teacher. The teacher's predictions are computed once,
/// up front; the student runs through the fp32 `Executor` on a graph of its current parameters, so the
/// figures are those a saved student would give. Evaluation reads no random state: training proceeds
/// identically with or without it.
public final class EpochEvaluator {
    /// One evaluation, as logged (`"kind": "eval"` in the JSON-lines log).
    public struct Result: Codable, Sendable {
        public var kind = "eval"
        public var epoch: Int
        public var step: Int
        public var samples: Int
        public var studentTop1: Double?
        public var teacherTop1: Double?
        public var agreement: Double
        enum CodingKeys: String, CodingKey {
            case kind, epoch, step, samples, studentTop1 = "student_top1", teacherTop1 = "teacher_top1", agreement
        }
    }

    let data: Dataset
    let config: ViTConfig
    let batch: Int
    let threads: Int
    let teacherPredictions: [Int]

    /// Runs the teacher over `data` once.
    /// - Throws: data errors naming the file, `DistillError.mismatch` when the teacher's logits do not fit.
    public init(teacher: Executor, data: Dataset, config: ViTConfig, batch: Int = 64, threads: Int) throws {
        self.data = data
        self.config = config
        self.batch = batch
        self.threads = threads
        self.teacherPredictions = try Self.predictions(teacher, data: data, config: config, batch: batch)
    }

    public func evaluate(_ student: any TrainableStudent, epoch: Int, step: Int) throws -> Result {
        let exec = try Executor(graph: try student.inferenceGraph(), threads: threads)
        let s = try Self.predictions(exec, data: data, config: config, batch: batch)
        let n = Double(data.count)
        let agree = zip(s, teacherPredictions).filter { $0 == $1 }.count
        var r = Result(epoch: epoch, step: step, samples: data.count, agreement: Double(agree) / n)
        if let labels = data.labels {
            r.studentTop1 = Double(zip(s, labels).filter { $0 == $1 }.count) / n
            r.teacherTop1 = Double(zip(teacherPredictions, labels).filter { $0 == $1 }.count) / n
        }
        return r
    }

    static func predictions(_ exec: Executor, data: Dataset, config: ViTConfig, batch: Int) throws -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(data.count)
        var start = 0
        while start < data.count {
            let range = start..<min(data.count, start + batch)
            let x = try data.batch(range, config: config)
            guard let logits = try exec.run([exec.graph.inputs[0].name: x])[exec.graph.outputs[0]], logits.rank == 2,
                  logits.shape[0] == range.count else {
                throw DistillError.mismatch("evaluation: \(exec.graph.name) does not give [\(range.count), classes] logits")
            }
            let k = logits.shape[1]
            for row in 0..<range.count {
                let p = logits.floats + row * k
                var best = 0
                for j in 1..<k where p[j] > p[best] { best = j }
                out.append(best)
            }
            start = range.upperBound
        }
        return out
    }
}
