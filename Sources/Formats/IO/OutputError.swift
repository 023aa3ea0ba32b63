/// Why vitopt refuses to write an output, before writing anything. Every case names the paths.
public enum OutputError: Error, Equatable, CustomStringConvertible {
    /// The output is the same file (device and inode, after links; or the same folder and name) as
    /// an input or one of its side files; `role` says which.
    case overwritesInput(output: String, input: String, role: String)
    /// Two outputs of one command are the same file.
    case sameOutputTwice(path: String, first: String, second: String)
    /// The output's folder is missing, not a folder or not writable, or the output is a folder.
    case unwritable(path: String, detail: String)
    /// The `config.json` beside the output describes another model (or cannot be read).
    case staleConfig(path: String, detail: String)

    public var description: String {
        switch self {
        case .overwritesInput(let o, let i, let r):
            return o == i ? "refusing to write \(o): it is \(r)" : "refusing to write \(o): it is the same file as \(i) (\(r))"
        case .sameOutputTwice(let p, let a, let b): return "refusing to write \(p) twice: it is both \(a) and \(b)"
        case .unwritable(let p, let d): return "\(p): cannot write here: \(d)"
        case .staleConfig(let p, let d): return "\(p): \(d)"
        }
    }
}
