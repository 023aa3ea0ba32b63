#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Keeps a command's outputs off its inputs: every input (the model with its external data,
/// `config.json` and `preprocessor_config.json`; data, labels, images) is recorded with
/// `protect…`, then every file the command will write — side files included — is `claim`ed, which
/// throws before anything is written when it is the same file as an input or as another output, or
/// cannot be created in its folder.
///
/// "Same file" is `FileIdentity`: device and inode after following links (hard links and symlinks to
/// an input are caught), and for outputs that do not exist yet, the resolved folder and the name.
public struct OutputGuard: Sendable {
    struct Entry: Sendable {
        let identity: FileIdentity
        let path: String
        let role: String
    }

    private(set) var inputs: [Entry] = []
    private(set) var outputs: [Entry] = []

    public init() {}

    /// Records an input file or folder (data, labels, an image, a checkpoint to resume from).
    /// A path that does not exist is ignored (reading it fails on its own).
    public mutating func protect(_ path: String, as role: String) {
        guard access(path, F_OK) == 0 else { return }
        inputs.append(Entry(identity: FileIdentity(path), path: path, role: role))
    }

    /// Records an input model with its side files: ONNX external data and the `config.json` and
    /// `preprocessor_config.json` in its folder.
    public mutating func protectModel(_ path: String, as role: String = "the input model") {
        protect(path, as: role)
        for side in InputSideFiles.of(model: path) {
            protect(side.path, as: "\(side.kind) of \(role) \(path)")
        }
    }

    /// Declares that the command writes `path`.
    /// - Parameter replacing: an input this output may deliberately replace (a training checkpoint
    ///   resumed from and written to the same file); nil for none.
    /// - Throws: `OutputError.overwritesInput` naming both paths, `.sameOutputTwice`, or
    ///   `.unwritable` when the folder is not writable and cannot be created (a missing folder is made
    ///   when the first file is written, see `OutputFolders`) or `path` is a folder.
    public mutating func claim(_ path: String, as role: String = "the output", replacing allowed: String? = nil) throws {
        let (dir, _) = AtomicFileWriter.split(path)
        if let problem = OutputFolders.problem(creating: dir) { throw OutputError.unwritable(path: path, detail: problem) }
        guard !FileIdentity.isDirectory(dir) || access(dir, W_OK | X_OK) == 0 else {
            throw OutputError.unwritable(path: path, detail: "the folder \(dir) is not writable")
        }
        guard !FileIdentity.isDirectory(path) else { throw OutputError.unwritable(path: path, detail: "it is a folder") }
        let id = FileIdentity(path)
        let exempt = allowed.map(FileIdentity.init)
        if let input = inputs.first(where: { $0.identity == id && $0.identity != exempt }) {
            throw OutputError.overwritesInput(output: path, input: input.path, role: input.role)
        }
        if let other = outputs.first(where: { $0.identity == id }) {
            throw OutputError.sameOutputTwice(path: path, first: other.role, second: role)
        }
        outputs.append(Entry(identity: id, path: path, role: role))
    }

    /// The input `path` is (same file), with its role, if any.
    public func input(matching path: String) -> (path: String, role: String)? {
        let id = FileIdentity(path)
        return inputs.first { $0.identity == id }.map { ($0.path, $0.role) }
    }
}

extension OutputGuard {
    /// Claims an ONNX output and the external data file (`<file>.data`) the exporter may write beside it.
    public mutating func claimONNX(_ path: String) throws {
        try claim(path)
        try claim(path + ".data", as: "the output's external data")
    }
}
