import Foundation
import Testing
import Distill
import Formats
import Graph
import TestSupport

/// `--eval` per epoch, and run-to-run reproducibility of the parallel backward.
@Suite struct EpochEvaluationTests {
    @Test func everyEpochIsEvaluatedWithoutChangingTraining() throws {
        let s = TrainingTests.settings(epochs: 3, batch: 16)
        let spec = StudentBuilder.Spec(depth: 1)
        let (plain, _, _) = try TrainingTests.setup(samples: 32, settings: s, spec: spec)
        _ = try plain.train()
        let (evaluated, teacher, dir) = try TrainingTests.setup(samples: 32, settings: s, spec: spec)
        let (hx, hl) = try TrainingTests.slice(48, offset: 700, dir: dir)
        let held = try Dataset.open(hx, labels: hl, config: evaluated.student.config)
        evaluated.evaluator = try EpochEvaluator(teacher: try Executor(graph: teacher.graph(), threads: 2), data: held,
                                                 config: evaluated.student.config, threads: 2)
        var evals: [EpochEvaluator.Result] = []
        evaluated.onEpoch = { evals.append($0) }
        _ = try evaluated.train()
        #expect(evals.map(\.epoch) == [1, 2, 3] && evals.map(\.step) == [2, 4, 6])
        // The last evaluation is the final student's: it matches the report's figures exactly.
        let report = try DistillReport.evaluate(teacher: teacher.graph(), student: ViTGraphBuilder.build(evaluated.student.description()),
                                                data: held, config: evaluated.student.config, threads: 2)
        let last = try #require(evals.last)
        #expect(last.agreement == report.agreement && last.studentTop1 == report.studentTop1 && last.teacherTop1 == report.teacherTop1)
        #expect(last.samples == 48)
        #expect(plain.student.parameters.values.bitwiseEqual(evaluated.student.parameters.values), "evaluation changed the training")
    }

    /// Parallel reductions run in a fixed order: two runs at 2 threads agree bit for bit.
    @Test func twoThreadRunsRepeatBitForBit() throws {
        let s = TrainingTests.settings(epochs: 1, batch: 16)
        let (a, _, _) = try TrainingTests.setup(samples: 48, settings: s, spec: .init(depth: 2))
        let (b, _, _) = try TrainingTests.setup(samples: 48, settings: s, spec: .init(depth: 2))
        _ = try a.train()
        _ = try b.train()
        #expect(a.student.context.threads == 2)
        #expect(a.student.parameters.values.bitwiseEqual(b.student.parameters.values))
        #expect(a.optimizer.v.bitwiseEqual(b.optimizer.v))
    }
}
