import Foundation
import Testing
import Distill
import Formats
import Graph
import TestSupport

/// What training never saves and never accepts: non-finite parameters in a checkpoint or at the end
/// of `train()`, settings that are out of range in Float terms; and the log's append/truncate rule.
@Suite struct TrainingSafetyTests {
    @Test func aNonFiniteStateNeverReplacesAGoodCheckpoint() throws {
        let s = TrainingTests.settings(epochs: 1, batch: 16)
        let (trainer, _, dir) = try TrainingTests.setup(samples: 48, settings: s, spec: .init(depth: 1))
        let ckpt = dir + "/run.ckpt"
        trainer.checkpointPath = ckpt
        trainer.checkpointEvery = 1
        trainer.stopAfter = 1
        _ = try trainer.train()
        let good = try Data(contentsOf: URL(fileURLWithPath: ckpt))
        // A NaN second moment: the loss and gradient stay finite, the update makes the parameters NaN.
        trainer.optimizer.v.mutableFloats[0] = .nan
        #expect { _ = try trainer.train() } throws: { e in
            guard case DistillError.nonFinite(let step, let detail, let kept) = e else { return false }
            return step == 2 && detail.contains("parameter") && kept == ckpt
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: ckpt)) == good)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).allSatisfy { !$0.contains(".tmp-") })
        // and such a state is refused on resume as well
        try TrainingCheckpoint.write(model: trainer.student, optimizer: trainer.optimizer, settings: s, to: dir + "/bad.ckpt")
        let (again, _, _) = try TrainingTests.setup(samples: 48, settings: s, spec: .init(depth: 1))
        #expect { try again.resume(from: dir + "/bad.ckpt") } throws: { e in
            guard case DistillError.checkpoint(_, let d) = e else { return false }
            return d.contains("non-finite")
        }
    }

    @Test func trainingWithoutCheckpointsStillRefusesANonFiniteResult() throws {
        let (trainer, _, _) = try TrainingTests.setup(samples: 32, settings: TrainingTests.settings(epochs: 1, batch: 16), spec: .init(depth: 1))
        trainer.stopAfter = 1
        _ = try trainer.train()
        trainer.optimizer.v.mutableFloats[3] = .infinity
        #expect(throws: DistillError.self) { _ = try trainer.train() }
    }

    @Test(arguments: [
        ("lr", 1e39), ("lr", 1e-50), ("lr", 10), ("lr", .nan), ("minLR", 2), ("weightDecay", 1e6), ("weightDecay", -1),
        ("alpha", 1.5), ("temperature", 1e-30), ("temperature", 1e39), ("clip", .infinity), ("crop", 1e-60),
    ] as [(String, Double)])
    func floatSettingsOutOfRangeAreRefused(_ name: String, _ value: Double) throws {
        var s = TrainingTests.settings(epochs: 1, batch: 16)
        switch name {
        case "lr": s.lr = value
        case "minLR": s.minLR = value
        case "weightDecay": s.weightDecay = value
        case "alpha": s.loss.alpha = value
        case "temperature": s.loss.temperature = value
        case "clip": s.clipNorm = value
        default: s.augment.minScale = value
        }
        #expect { try s.validate() } throws: { e in
            guard case DistillError.setting(let d) = e else { return false }
            return d.hasPrefix("--")
        }
        #expect(throws: DistillError.self) { try TrainingTests.setup(samples: 32, settings: s, spec: .init(depth: 1)) }
    }

    @Test func sensibleSettingsAndTooManyStepsAreTold() throws {
        try TrainingTests.settings(epochs: 2, batch: 16).validate(samples: 64)
        try DistillSettings().validate()
        var s = DistillSettings()
        s.epochs = 1_000_000
        #expect(throws: DistillError.self) { try s.validate(samples: 1 << 40) }
    }

    @Test func theLogStartsAnewOrAppends() throws {
        struct Line: Codable { var n: Int }
        let path = Fixtures.scratch("log") + "/run.jsonl"
        do { let log = try TrainingLog(path: path, append: false); log.append(Line(n: 1)); log.append(Line(n: 2)) }
        do { let log = try TrainingLog(path: path, append: true); log.append(Line(n: 3)) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n")
        do { let log = try TrainingLog(path: path, append: false); log.append(Line(n: 4)); #expect(log.writeError == nil) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"n\":4}\n")
        #expect(throws: FormatError.self) { _ = try TrainingLog(path: path + "/nope/x", append: true) }
    }
}
