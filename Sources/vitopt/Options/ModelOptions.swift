import ArgumentParser
import Formats

/// How to read a model: what its file cannot say for itself.
struct ModelOptions: ParsableArguments {
    @Option(help: "Number of attention heads (when neither config.json nor metadata says).")
    var heads: Int?

    @Option(help: "LayerNorm epsilon (when neither config.json nor metadata says).")
    var eps: Double?

    @Option(name: .customLong("source-grid"), help: "Patch grid of the checkpoint as HxW (for non-square position embeddings).")
    var sourceGrid: String?

    @Option(name: .customLong("input-naming"), help: "Force the naming convention of the input: timm, hf or openclip (default: detected).")
    var inputNaming: String?

    @Option(name: .customLong("input-layout"), help: "Force the HDF5 layout of the input: plain, keras or keras3 (default: detected).")
    var inputLayout: String?

    func validate() throws {
        try OptionBounds.check(heads, "--heads", OptionBounds.heads)
        if let e = eps, !(e > 0) { throw ValidationError("--eps must be positive") }
        if let g = sourceGrid { _ = try Self.size(g, flag: "--source-grid") }
        if let n = inputNaming { _ = try NamingConvention.parse(n) }
        if let l = inputLayout { _ = try HDF5Layout.parse(l) }
    }

    /// Loads `path` with these options applied.
    func load(_ path: String) throws -> LoadedModel {
        var hints = ConfigHints()
        hints.numHeads = heads
        hints.eps = eps
        hints.sources = ["command line"]
        var loaded = try ModelLoader.load(path, hints: hints, naming: inputNaming.map(NamingConvention.parse),
                                     hdf5Layout: inputLayout.map(HDF5Layout.parse))
        if let g = sourceGrid {
            let grid = try Self.size(g, flag: "--source-grid")
            let patch = loaded.model.config.patchSize
            hints.imageSize = [grid[0] * patch[0], grid[1] * patch[1]]
            loaded = try ModelLoader.load(path, hints: hints, naming: inputNaming.map(NamingConvention.parse),
                                     hdf5Layout: inputLayout.map(HDF5Layout.parse))
        }
        for w in loaded.warnings { Console.warn(w) }
        return loaded
    }

    /// Parses `224`, `224x224` or `320x192` as [h, w], each side in `range` (image sides by default).
    static func size(_ s: String, flag: String, range: ClosedRange<Int> = OptionBounds.imageSide) throws -> [Int] {
        let parts = s.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        let sides: [Int]? = parts.count == 1 ? parts[0].map { [$0, $0] } : parts.count == 2 ? zip2(parts[0], parts[1]) : nil
        guard let sides, sides.allSatisfy(range.contains) else {
            throw ValidationError("\(flag) must be N or HxW with integers in \(range.lowerBound)...\(range.upperBound), got '\(s)'")
        }
        return sides
    }

    private static func zip2(_ a: Int?, _ b: Int?) -> [Int]? {
        guard let a, let b else { return nil }
        return [a, b]
    }
}
