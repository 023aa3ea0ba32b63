import ArgumentParser
import Foundation
import Formats
import Graph

struct ResizePos: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resize-pos",
        abstract: "Resample a model's position embedding (and optionally its patch kernels) for another input size.",
        discussion: """
        Writes the input's format and naming with the config updated. The patch-grid part of the position \
        embedding is resampled exactly as PyTorch's F.interpolate does for the chosen preset; class, \
        distillation and register rows are kept. config.json: written beside an output in its own directory \
        (replacing one of the same architecture); never touched in the input's directory.
        """)

    @Argument(help: "Input model file.")
    var input: String

    @Argument(help: "Output file (same format as the input).")
    var output: String

    @Option(name: .customLong("image-size"), help: "New input size: N or HxW (e.g. 384 or 320x192).")
    var imageSize: String?

    @Option(name: .customLong("window-size"), help: "Swin: new window size (the relative position bias tables are resampled as timm does).")
    var windowSize: Int?

    @Flag(name: .customLong("no-config-json"), help: "Do not write config.json beside the output.")
    var noConfigJSON = false

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    @OptionGroup var resample: ResampleOptions
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        if let s = imageSize { _ = try ModelOptions.size(s, flag: "--image-size") }
        try OptionBounds.check(windowSize, "--window-size", 1...64)
        guard imageSize != nil || resample.patchSize != nil || windowSize != nil else { throw ValidationError("give --image-size (and/or --patch-size)") }
    }

    func run() throws {
        var inputs = OutputGuard()
        inputs.protectModel(input)
        var outputs = inputs
        try outputs.claim(output)
        let loaded = try modelOptions.load(input)
        let size = try imageSize.map { try ModelOptions.size($0, flag: "--image-size") }
        if let swin = loaded.swin {
            guard resample.patchSize == nil else { throw ValidationError("--patch-size: a Swin's patch embedding is not resampled") }
            let resized = try swin.resized(imageSize: size ?? swin.config.imageSize, windowSize: windowSize)
            let s = try SwinSaver.save(resized, to: output, naming: loaded.convention, format: loaded.format, writeConfigJSON: !noConfigJSON, inputs: inputs)
            print("wrote \(output): Swin at \(resized.config.imageSize[0])×\(resized.config.imageSize[1]), window \(resized.config.windowSize), \(loaded.convention.rawValue) naming")
            if let c = s.configPath { print("  config: \(c)") }
            return
        }
        guard windowSize == nil else { throw ValidationError("--window-size applies to Swin Transformers") }
        let (model, summary, preset) = try resample.resize(loaded, imageSize: size)
        let (saved, action) = try ResizedCheckpoint.save(model, input: loaded, to: output, writeConfigJSON: !noConfigJSON, inputs: inputs)
        for w in saved.warnings { Console.warn(w) }
        if json {
            var config: [String: Any] = [:]
            switch action {
            case .written(let p): config = ["path": p, "action": "written"]
            case .replaced(let p): config = ["path": p, "action": "replaced"]
            case .skipped(let reason): config = ["action": "skipped", "reason": reason]
            }
            try JSONReport.print(["output": output, "format": loaded.format.rawValue, "naming": loaded.convention.rawValue,
                                  "resampled": summary.lines(preset: preset), "config": config, "warnings": saved.warnings])
            return
        }
        print("wrote \(output): \(loaded.format.rawValue), \(loaded.convention.rawValue) naming")
        for line in summary.lines(preset: preset) { print("  \(line)") }
        switch action {
        case .written(let p): print("  config: \(p)")
        case .replaced(let p): print("  config: \(p) (replaced)")
        case .skipped(let reason): Console.warn("config.json not written: \(reason)")
        }
    }
}
