import ArgumentParser
import Distill
import Foundation
import Formats
import Graph

extension DistillCommand {
    /// A Swin teacher's Swin student (the default for a Swin teacher): built by `StudentBuilder.swin`, trained
    /// natively (`TrainableSwin`) against the teacher's graph, saved by `SwinSaver` in the teacher's convention
    /// (timm or transformers; `--naming` overrides) with that library's `config.json` beside it.
    func runSwinStudent(teacher t: LoadedModel, swin: SwinDescription, inputs: OutputGuard, outputs: OutputGuard,
                        checkpointPath: String) throws {
        var outputs = outputs
        if swin.config.numClasses == 0 && training.hard {
            throw ValidationError("--hard needs logits; the teacher (Swin without a head) outputs pooled features")
        }
        let convention = try naming.map(NamingConvention.parse) ?? t.convention
        guard convention == .timm || convention == .hf else {
            throw ValidationError("a Swin student is saved with timm or hf names, not \(convention.rawValue)")
        }
        let (desc, how) = try StudentBuilder.swin(teacher: swin, spec: student.spec, seed: training.seed)
        let slash = out.lastIndex(of: "/")
        let configPath = (slash.map { String(out[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? ".") + "/config.json"
        try outputs.claim(configPath, as: "the student's config.json")
        let model = try TrainableSwin(desc, threads: threads.count)
        let config = model.inputConfig
        let dataset = try Dataset.open(data, labels: labels, config: config)
        let headless = desc.config.numClasses == 0
        let settings = distillSettings(headless: headless, features: "pooled features", dataset: dataset)
        let teacherGraph = try t.graph()
        let trainer = try StudentTrainer(student: model, teacher: .graph(try Executor(graph: teacherGraph, threads: threads.count)), data: dataset,
                                         dataPath: data, settings: settings)
        trainer.checkpointPath = checkpointPath
        trainer.checkpointEvery = checkpointEvery
        trainer.onWarning = { Console.warn($0) }
        let evalData = try eval.map { try Dataset.open($0, labels: evalLabels, config: config) }
        if evalData != nil, headless {
            Console.note("per-epoch evaluation needs logits; the report after training gives the mean cosine on --eval")
        } else if let evalData {
            trainer.evaluator = try EpochEvaluator(teacher: try Executor(graph: teacherGraph, threads: threads.count), data: evalData,
                                                   config: config, threads: threads.count)
        }
        if let r = resume { try trainer.resume(from: r) }
        model.profile.enabled = profile
        Console.note("student: \(how); \(model.parameters.count) parameters; teacher on the graph executor")
        Console.note("training: \(dataset.count) samples, \(settings.epochs) epochs × \(settings.stepsPerEpoch(dataset.count)) steps of \(settings.batch)"
                     + (trainer.optimizer.step > 0 ? ", resuming at step \(trainer.optimizer.step)" : ""))
        let result = try runTraining(trainer)
        let trained = model.description()
        let saved = try SwinSaver.save(trained, to: out, naming: convention, format: .safetensors, writeConfigJSON: true, inputs: inputs)
        try printReport(result, savedBytes: saved.bytes, teacher: teacherGraph, teacherFileSize: t.fileSize,
                        student: try SwinGraphBuilder.build(trained), data: evalData ?? dataset, config: config)
    }
}
