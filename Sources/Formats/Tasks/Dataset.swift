import Foundation
import Graph

/// A labelled (or unlabelled) set of model inputs: a preprocessed `.npy` array, or an image folder
/// (ImageFolder layout — one subfolder per class, sorted by name — or a flat folder of images).
public struct Dataset: Sendable {
    enum Source: Sendable {
        case array(Tensor)
        case images([String])
    }

    let source: Source
    /// Class index per sample, when known.
    public let labels: [Int]?
    /// Class names of an image folder's subfolders (sorted), when it has them.
    public let classNames: [String]?

    /// Number of samples.
    public var count: Int {
        switch source {
        case .array(let t): return t.shape[0]
        case .images(let p): return p.count
        }
    }

    /// Opens `path` (a `.npy` file or a directory) with optional `.npy` labels (int64/int32, one per sample).
    /// Image-folder classes map onto the model's labels by name when every folder name is one of them.
    /// With `inferLabels: false` an image folder's subfolders are only searched for images (no labels, no warnings).
    public static func open(_ path: String, labels labelsPath: String?, config: ViTConfig, inferLabels: Bool = true) throws -> Dataset {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw FormatError.fileNotFound(path: path) }
        var labels: [Int]?
        if let lp = labelsPath {
            let t = try NpyArray.read(path: lp)
            guard !t.dtype.isFloatingPoint, t.rank == 1 else {
                throw FormatError.tensor(path: lp, tensor: "labels", detail: "expected a 1-D integer array, got \(t.dtype.rawValue) \(t.shape)")
            }
            labels = t.intArray()
        }
        if !isDir.boolValue {
            let x = try InputLoader.load(path, config: config)
            if let l = labels, l.count != x.shape[0] {
                throw FormatError.tensor(path: labelsPath!, tensor: "labels", detail: "\(l.count) labels for \(x.shape[0]) samples")
            }
            return Dataset(source: .array(x), labels: labels, classNames: nil)
        }
        let fm = FileManager.default
        let entries = try fm.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }.sorted()
        let subdirs = entries.filter { var d: ObjCBool = false; return fm.fileExists(atPath: path + "/" + $0, isDirectory: &d) && d.boolValue }
        var files: [String] = []
        var folderLabels: [Int] = []
        var skipped: [String] = []
        func images(in dir: String) -> [String] {
            let names = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            return names.compactMap { n in
                let p = dir + "/" + n
                guard let head = try? MappedFile(path: p).prefix(8), ImageFormat.detect(head) != nil else { skipped.append(p); return nil }
                return p
            }
        }
        var folderLabelsKnown = true
        if !subdirs.isEmpty {
            let classes = inferLabels ? try folderClasses(subdirs, path: path, config: config, explicitLabels: labelsPath != nil) : nil
            folderLabelsKnown = classes != nil
            for (i, sub) in subdirs.enumerated() {
                let found = images(in: path + "/" + sub)
                files += found
                folderLabels += Array(repeating: classes?[i] ?? -1, count: found.count)
            }
        } else {
            files = images(in: path)
        }
        guard !files.isEmpty else { throw FormatError.notRecognized(path: path, detail: "the folder holds no PNG or JPEG images") }
        if !skipped.isEmpty {
            FileHandle.standardError.write(Data("warning: skipped \(skipped.count) non-image file(s) in \(path), e.g. \(skipped[0])\n".utf8))
        }
        if labels == nil && !subdirs.isEmpty && folderLabelsKnown { labels = folderLabels }
        if let l = labels, l.count != files.count {
            throw FormatError.tensor(path: labelsPath ?? path, tensor: "labels", detail: "\(l.count) labels for \(files.count) images")
        }
        return Dataset(source: .images(files), labels: labels, classNames: subdirs.isEmpty ? nil : subdirs)
    }

    /// The class index of each subfolder: by the model's label names when every folder is one of them; by
    /// value when every folder is a class number (`0`, `1`, …); in sorted order (torchvision's ImageFolder
    /// convention) when the model names no classes. When the model has names and the folders match neither,
    /// nothing is guessed: `nil`, with a warning (accuracy then needs `--labels`).
    static func folderClasses(_ subdirs: [String], path: String, config: ViTConfig, explicitLabels: Bool) throws -> [Int]? {
        if let names = config.labels {
            let index = Dictionary(names.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
            if subdirs.allSatisfy({ index[$0] != nil }) { return subdirs.map { index[$0]! } }
        }
        let numbers = subdirs.compactMap { Int($0) }
        if numbers.count == subdirs.count, numbers.allSatisfy({ $0 >= 0 && $0 < max(config.numClasses, 1) }) { return numbers }
        if config.labels == nil {
            if !explicitLabels {
                warn("\(path): the model does not name its classes; folder k in sorted order (\(subdirs.prefix(3).joined(separator: ", "))\(subdirs.count > 3 ? ", …" : "")) is taken as class k, as torchvision's ImageFolder does")
            }
            return Array(subdirs.indices)
        }
        if !explicitLabels {
            let unknown = subdirs.filter { !(config.labels ?? []).contains($0) }
            warn("\(path): folder names are not the model's class names (e.g. '\(unknown.first ?? "")' is not one of them) nor class numbers; no labels are assumed, so no accuracy is computed (give --labels)")
        }
        return nil
    }

    static func warn(_ message: String) { FileHandle.standardError.write(Data("warning: \(message)\n".utf8)) }

    /// What each sample is, for reports: an image's path, or `file[i]` for row i of an array.
    public func sources(_ path: String) -> [String] {
        switch source {
        case .array(let t): return t.shape[0] == 1 ? [path] : (0..<t.shape[0]).map { "\(path)[\($0)]" }
        case .images(let p): return p
        }
    }

    /// Samples `range` as `pixel_values` for `config`.
    public func batch(_ range: Range<Int>, config: ViTConfig) throws -> Tensor {
        switch source {
        case .array(let t):
            return t.slice(rows: range)
        case .images(let paths):
            let parts = try paths[range].map { try InputLoader.load($0, config: config) }
            return Tensor.concatenateRows(parts)
        }
    }
}
