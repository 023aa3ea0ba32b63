import Foundation
internal import CHDF5

/// Process-wide access to libhdf5.
///
/// Every call into the library runs under one recursive lock (libhdf5 builds without
/// `--enable-threadsafe` must not be entered from two threads; thread-safe builds serialise
/// internally anyway, so nothing is lost), with HDF5's own error printing switched off for the
/// calling thread. A failed call's error stack is turned into a `FormatError` naming the file and
/// the object, never printed.
enum HDF5Library {
    private static let lock = NSRecursiveLock()
    /// libhdf5 set up once (see `vitopt_h5_init`: no exit-time clean-up, quiet errors).
    private static let initialized: Void = vitopt_h5_init()

    /// Runs `body` holding the library lock, with automatic error printing off.
    static func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        _ = initialized
        vitopt_h5_quiet()
        return try body()
    }

    /// The calling thread's error stack, clearing it, as one short line: the operating system's
    /// reason when libhdf5 reports one (`No space left on device`, errno 28), then the first few
    /// distinct messages, innermost cause first.
    static func errorStack() -> String {
        var buffer = [CChar](repeating: 0, count: 8192)
        let n = buffer.withUnsafeMutableBufferPointer { vitopt_h5_error_text($0.baseAddress!, $0.count) }
        let text = n == 0 ? "" : String(cString: buffer)
        return text.isEmpty ? "no detail from libhdf5" : summary(text)
    }

    /// Condenses libhdf5's error text (dozens of repeated "Write failed; Unable to flush" entries,
    /// each a full driver report) into the system error and at most three distinct messages.
    static func summary(_ text: String) -> String {
        var parts: [String] = []
        if let r = text.range(of: "error message = '"), let end = text[r.upperBound...].firstIndex(of: "'") {
            var system = String(text[r.upperBound..<end])
            if let e = text.range(of: "errno = "), let num = Int(text[e.upperBound...].prefix { $0.isNumber }) {
                system += " (errno \(num))"
            }
            parts.append(system)
        }
        for raw in text.components(separatedBy: "; ") {
            // Driver reports ("file write failed: time = …, filename = …") add nothing after the system error.
            let entry = raw.contains("time = ") ? "" : raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !entry.isEmpty, !parts.contains(entry), parts.count < 4 else { continue }
            parts.append(entry)
        }
        return parts.isEmpty ? String(text.prefix(300)) : parts.joined(separator: "; ")
    }

    /// Throws when `id` is a failed HDF5 identifier (negative), with the error stack.
    @discardableResult
    static func check(_ id: hid_t, _ path: String, _ object: String?, _ what: String) throws -> hid_t {
        if id < 0 { throw failure(path, object, what) }
        return id
    }

    /// Throws when `status` is a failed HDF5 status (negative), with the error stack.
    static func check(_ status: herr_t, _ path: String, _ object: String?, _ what: String) throws {
        if status < 0 { throw failure(path, object, what) }
    }

    /// A `FormatError` for a failed call: `.tensor` when a dataset is at fault, else `.corrupt`.
    static func failure(_ path: String, _ object: String?, _ what: String) -> FormatError {
        let detail = "\(what) failed (libhdf5: \(errorStack()))"
        if let object { return .tensor(path: path, tensor: object, detail: detail) }
        return .corrupt(path: path, detail: detail)
    }

    /// Splits a buffer from `vitopt_h5_list` / `vitopt_h5_attribute_names` into (kind, name) pairs.
    static func entries(_ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> [(kind: Character, name: String)] {
        defer { free(buffer) }
        var out: [(Character, String)] = []
        var i = 0
        while i < length {
            let kind = Character(UnicodeScalar(UInt8(bitPattern: buffer[i])))
            let name = String(cString: buffer + i + 1)
            out.append((kind, name))
            i += 1 + strlen(buffer + i + 1) + 1
        }
        return out
    }
}
