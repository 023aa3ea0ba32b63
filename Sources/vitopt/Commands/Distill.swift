import ArgumentParser
import Distill
import Foundation
import Formats
import Graph

struct DistillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "Train a smaller student ViT or Swin from a teacher (knowledge distillation), natively.")

    @Option(help: "Teacher model file.") var teacher: String
    @Option(help: "Training data: a .npy (float N×C×H×W or uint8 pixels) or an image folder.") var data: String
    @Option(help: "Labels for --data as a 1-D integer .npy (folders: the subfolder names).") var labels: String?
    @Option(help: "Where to save the student (.safetensors).") var out: String
    @OptionGroup var student: StudentOptions
    @OptionGroup var training: TrainingOptions
    @Option(help: "Held-out data: evaluated after every epoch (progress output and log) and for the final report.") var eval: String?
    @Option(name: .customLong("eval-labels"), help: "Labels for --eval.") var evalLabels: String?
    @Option(help: "Resume from this checkpoint (same options as the run that wrote it; a larger --epochs extends it).") var resume: String?
    @Option(help: "Checkpoint file (default: <out>.ckpt).") var checkpoint: String?
    @Option(name: .customLong("checkpoint-every"), help: "Write the checkpoint every N steps (default: every epoch).")
    var checkpointEvery = 0
    @Option(help: "Write one JSON object per step to this file (appended to with --resume).") var log: String?
    @Option(help: "Naming of the saved student: timm, hf or openclip (default: timm for a plain ViT timm can express, else the teacher's).")
    var naming: String?
    @Option(name: .customLong("latency-runs"), help: "Timed runs for the report's latency (0 skips it).") var latencyRuns = 20
    @Flag(help: "Print the final report as JSON.") var json = false
    @Flag(help: "Print the time spent per training phase (data, teacher, forward, backward ops, optimizer) to stderr.")
    var profile = false
    @Flag(name: .customLong("teacher-graph"),
          help: "Run the teacher on the general graph executor instead of the training engine's forward.")
    var teacherGraphRuntime = false
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        try OptionBounds.check(checkpointEvery, "--checkpoint-every", 0...Int(Int32.max))
        try OptionBounds.check(latencyRuns, "--latency-runs", 0...OptionBounds.runs.upperBound)
        if let naming { _ = try NamingConvention.parse(naming) }
        guard out.lowercased().hasSuffix(".safetensors") else { throw ValidationError("--out must be a .safetensors file, got '\(out)'") }
    }

    func run() throws {
        // Every input and output is checked before training: nothing is trained that could not be saved.
        var inputs = OutputGuard()
        inputs.protectModel(teacher, as: "the teacher")
        inputs.protect(data, as: "the --data")
        for (path, role) in [(labels, "the --labels"), (eval, "the --eval data"), (evalLabels, "the --eval-labels"), (resume, "the --resume checkpoint")] {
            if let path { inputs.protect(path, as: role) }
        }
        let checkpointPath = checkpoint ?? out + ".ckpt"
        var outputs = inputs
        try outputs.claim(out, as: "the --out student")
        try outputs.claim(checkpointPath, as: "the checkpoint", replacing: resume)
        if let l = log { try outputs.claim(l, as: "the --log file") }
        let t = try modelOptions.load(teacher)
        // A Swin teacher trains a Swin student, or with --student a ViT one (a fresh ViT at its input; the teacher runs as a graph).
        if let swin = t.swin, student.architecture == nil {
            return try runSwinStudent(teacher: t, swin: swin, inputs: inputs, outputs: outputs, checkpointPath: checkpointPath)
        }
        let (desc, how) = try t.swin.map { try StudentBuilder.build(teacher: StudentBuilder.vitShell(swinTeacher: $0.config),
                                                                    spec: StudentBuilder.vitSpec(swinTeacher: student.spec), seed: training.seed) }
            ?? StudentBuilder.build(teacher: t.model, spec: student.spec, seed: training.seed)
        // A plain ViT student is saved in timm's convention when timm can express it, any other (CLIP, DINOv2...)
        // in its teacher's, unless told otherwise; that it can be written is checked before training.
        func savable(_ c: NamingConvention) throws { _ = try NamingMapper.names(for: NamingMapper.prepared(desc, for: c), convention: c) }
        let convention: NamingConvention
        if let naming {
            convention = try NamingConvention.parse(naming)
        } else if t.model.config.family == "vit" || t.swin != nil, (try? savable(.timm)) != nil {
            convention = .timm
        } else {
            convention = t.convention
        }
        try savable(convention)
        let configAction = try SidecarConfig.decide(output: out, config: desc.config, inputs: inputs)
        if let p = configAction.writtenPath { try outputs.claim(p, as: "the student's config.json") }
        let model = try TrainableViT(desc, threads: threads.count)
        let dataset = try Dataset.open(data, labels: labels, config: desc.config)
        let headless = desc.config.numClasses == 0
        // Feature distillation: the student's image embedding (or pooled features) regresses the teacher's.
        if headless && training.hard {
            throw ValidationError("--hard needs logits; the teacher (\(desc.config.family)) outputs \(TrainableViT.outputKind(desc.config))")
        }
        let settings = distillSettings(headless: headless, features: TrainableViT.outputKind(desc.config), dataset: dataset)
        let teacherGraph = try t.graph()
        let teacherRuntime: DistillTeacher = teacherGraphRuntime || t.swin != nil
            ? .graph(try Executor(graph: teacherGraph, threads: threads.count))
            : try DistillTeacher.automatic(t.model, threads: threads.count)
        let trainer = try DistillTrainer(student: model, teacher: teacherRuntime, data: dataset, dataPath: data, settings: settings)
        trainer.checkpointPath = checkpointPath
        trainer.checkpointEvery = checkpointEvery
        trainer.onWarning = { Console.warn($0) }
        let evalData = try eval.map { try Dataset.open($0, labels: evalLabels, config: desc.config) }
        if let evalData, headless {
            Console.note("per-epoch evaluation needs logits; the report after training gives the mean cosine on --eval")
        } else if let evalData {
            trainer.evaluator = try EpochEvaluator(teacher: try Executor(graph: teacherGraph, threads: threads.count), data: evalData,
                                                   config: desc.config, threads: threads.count)
        }
        if let r = resume { try trainer.resume(from: r) }
        model.profile.enabled = profile
        Console.note("student: \(how); \(model.parameters.count) parameters; teacher on the \(teacherRuntime.runtime)")
        Console.note("training: \(dataset.count) samples, \(settings.epochs) epochs × \(settings.stepsPerEpoch(dataset.count)) steps of \(settings.batch)"
                     + (trainer.optimizer.step > 0 ? ", resuming at step \(trainer.optimizer.step)" : ""))
        let result = try runTraining(trainer)
        let saved = try ModelSaver.save(model.description(), to: out, naming: convention, inputs: inputs)
        for w in saved.warnings { Console.warn(w) }
        try printReport(result, savedBytes: saved.bytes, teacher: teacherGraph, teacherFileSize: t.fileSize,
                        student: try ViTGraphBuilder.build(model.description()), data: evalData ?? dataset, config: desc.config)
    }
}
