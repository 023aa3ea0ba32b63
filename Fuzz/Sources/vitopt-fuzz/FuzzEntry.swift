import Foundation
import FuzzTargets

// One binary for every reader, chosen with `--target=NAME` (libFuzzer ignores flags that start with
// `--`, so the option passes through its command line, its -fork children and its reproducer
// commands unchanged).
//
// Built with `-sanitize=fuzzer` and `-D VITOPT_LIBFUZZER` (`make fuzz`), libFuzzer supplies `main`
// and calls the two entry points below. Built normally (`swift build`), the same file is a replay
// tool: `vitopt-fuzz --target=NAME FILE_OR_DIR...` feeds each file once and prints what the reader
// did, which is how a reproducer is examined under a debugger.

/// The target named by `--target=` in `arguments`; exits with a usage message when there is none.
private func target(in arguments: [String]) -> FuzzTarget {
    for a in arguments where a.hasPrefix("--target=") {
        let name = String(a.dropFirst("--target=".count))
        if let t = FuzzTarget(rawValue: name) { return t }
        fputs("vitopt-fuzz: unknown target '\(name)' (known: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))\n", stderr)
        exit(2)
    }
    fputs("vitopt-fuzz: give --target=NAME (\(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))\n", stderr)
    exit(2)
}

nonisolated(unsafe) private var selected: FuzzTarget?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    var arguments: [String] = []
    if let list = argv.pointee {
        for i in 0..<Int(argc.pointee) { if let p = list[i] { arguments.append(String(cString: p)) } }
    }
    selected = target(in: arguments)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let target = selected else { return 0 }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    _ = target.run(bytes)
    return 0
}

#if !VITOPT_LIBFUZZER
/// Replays files through a reader once each, without libFuzzer.
@main
enum Replay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let target = target(in: arguments)
        var files: [String] = []
        for a in arguments where !a.hasPrefix("-") {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: a, isDirectory: &isDir), isDir.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: a)) ?? []
                files += names.sorted().map { a + "/" + $0 }
            } else {
                files.append(a)
            }
        }
        var accepted = 0
        for f in files {
            guard let data = FileManager.default.contents(atPath: f) else {
                fputs("vitopt-fuzz: cannot read \(f)\n", stderr)
                exit(1)
            }
            switch target.run([UInt8](data)) {
            case .accepted:
                accepted += 1
                print("\(f): accepted")
            case .rejected(let why):
                print("\(f): rejected: \(why)")
            }
        }
        print("\(target.rawValue): \(files.count) input(s), \(accepted) accepted, none trapped")
    }
}
#endif
