import ArgumentParser
import Foundation
import Formats
import Graph

/// `vitopt attention`: where the class token looks, as a picture or as numbers.
struct AttentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attention",
        abstract: "Draw a model's attention for one image: the last block's class-token attention per head, and attention rollout.",
        discussion: """
            --out picks the output by its extension: .png (the image, the rollout and each head as heat maps over it), \
            .npy (float32 [heads + 1, rows, columns]: each head of the last block, then the rollout, over the patch grid) \
            or .json. --json prints the maps as JSON. The model needs a class token.
            """)

    @Argument(help: "Model file or folder (fp32).")
    var model: String

    @Option(help: "The image (PNG/JPEG, preprocessed with the model's recipe) or a .npy of one preprocessed image.")
    var input: String

    @Option(help: "Which image of a .npy batch to draw (0-based).")
    var index: Int?

    @Option(help: "Where to write the maps: .png, .npy or .json.")
    var out: String?

    @Flag(help: "Print the maps as JSON on standard output.")
    var json = false

    @OptionGroup var threads: ThreadOptions
    @OptionGroup var modelOptions: ModelOptions

    enum OutputKind: String { case png, npy, json }

    func validate() throws {
        if let o = out, outputKind(o) == nil { throw ValidationError("--out must end in .png, .npy or .json, got '\(o)'") }
        if let i = index, i < 0 { throw ValidationError("--index must be at least 0") }
        if out == nil && !json { throw ValidationError("give --out FILE (.png, .npy, .json) and/or --json") }
    }

    func outputKind(_ path: String) -> OutputKind? {
        OutputKind(rawValue: (path as NSString).pathExtension.lowercased())
    }

    func run() throws {
        var files = OutputGuard()
        files.protectModel(model)
        files.protect(input, as: "the --input file")
        if let o = out { try files.claim(o, as: "the --out file") }
        let loaded = try modelOptions.load(model)
        guard loaded.recognized else { throw ValidationError("\(model) is not a recognised ViT: vitopt draws attention for models it can describe") }
        let config = loaded.model.config
        let batch = try InputLoader.load(input, config: config)
        guard batch.shape[0] == 1 || index != nil else {
            throw ValidationError("--input holds \(batch.shape[0]) images; choose one with --index")
        }
        let i = index ?? 0
        guard i < batch.shape[0] else { throw ValidationError("--index \(i) is past the \(batch.shape[0]) images in \(input)") }
        let pixels = batch.slice(rows: i..<(i + 1))
        let maps = try AttentionMaps.compute(loaded.model, pixels: pixels, threads: threads.count)
        if let path = out {
            switch outputKind(path)! {
            case .png:
                let picture = AttentionPicture.render(maps, pixels: pixels, mean: config.preprocessing.mean, std: config.preprocessing.std)
                let writer = try AtomicFileWriter(path: path)
                try writer.write(try PNGEncoder.encode(picture, name: path))
                try writer.commit()
                Console.note("wrote \(path): \(picture.width)×\(picture.height), tiles: image, rollout, \(maps.heads.count) heads of block \(maps.block)")
            case .npy:
                let rows = maps.heads + [maps.rollout]
                try NpyArray.write(Tensor(shape: [rows.count] + maps.grid, floats: rows.flatMap { $0 }), to: path)
                Console.note("wrote \(path): [\(rows.count), \(maps.grid[0]), \(maps.grid[1])] (heads of block \(maps.block), then rollout)")
            case .json:
                let writer = try AtomicFileWriter(path: path)
                try writer.write(Array(try jsonText(maps).utf8))
                try writer.commit()
                Console.note("wrote \(path)")
            }
        }
        if json { print(try jsonText(maps)) }
    }

    func jsonText(_ maps: AttentionMaps) throws -> String {
        let object: [String: Any] = [
            "model": model, "input": input, "grid": maps.grid, "block": maps.block,
            "heads": maps.heads.map { $0.map(Double.init) }, "rollout": maps.rollout.map(Double.init),
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
