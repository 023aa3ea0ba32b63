import ArgumentParser
import Distill

/// How `vitopt distill` shapes the student.
struct StudentOptions: ParsableArguments {
    @Option(name: .customLong("student-depth"), help: "Student layers (initialised from evenly spread teacher layers); Swin: at most this many blocks per stage.")
    var depth: Int?
    @Option(name: .customLong("student-dim"), help: "Student width (freshly initialised); Swin: the first stage's width (doubling per stage).") var dim: Int?
    @Option(name: .customLong("student-heads"), help: "Student attention heads; Swin: the first stage's heads (doubling per stage).") var heads: Int?
    @Option(name: .customLong("student-mlp-ratio"), help: "Student MLP width as a multiple of its width (Swin: of each stage's width).") var mlpRatio: Double?
    @Option(name: .customLong("student"), help: "A named timm architecture for the student, e.g. vit_tiny_patch16_224; with a Swin teacher, 'vit' for a ViT student at its input (default: a Swin student, same window and patch size).")
    var architecture: String?
    @Flag(name: .customLong("dist-token"), help: "Give the student a DeiT distillation token and head.") var distToken = false
    @Flag(name: .customLong("fresh-init"), help: "Initialise the student as timm does instead of from teacher layers.")
    var freshInit = false

    func validate() throws {
        try OptionBounds.check(depth, "--student-depth", OptionBounds.studentDepth)
        try OptionBounds.check(dim, "--student-dim", OptionBounds.studentDim)
        try OptionBounds.check(heads, "--student-heads", OptionBounds.heads)
        if let r = mlpRatio, !(r > 0 && r <= OptionBounds.studentMLPRatio.upperBound) {
            throw ValidationError("--student-mlp-ratio must be in (0, \(Int(OptionBounds.studentMLPRatio.upperBound))], got \(r)")
        }
    }

    var spec: StudentBuilder.Spec {
        StudentBuilder.Spec(depth: depth, dim: dim, heads: heads, mlpRatio: mlpRatio, architecture: architecture,
                            distToken: distToken, freshInit: freshInit)
    }
}
