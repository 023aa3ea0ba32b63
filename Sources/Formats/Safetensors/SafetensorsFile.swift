import Graph
/// A safetensors checkpoint, memory-mapped: tensors are zero-copy views of the file.
///
/// Layout (the format's specification): an 8-byte little-endian header length `n`, `n` bytes of
/// UTF-8 JSON mapping tensor names to `{dtype, shape, data_offsets: [begin, end]}` (offsets relative
/// to the byte buffer after the header) plus an optional `__metadata__` string→string map, then the
/// byte buffer. Reading validates everything: header length in bounds, JSON well-formed, known dtypes,
/// sizes consistent with shapes, and offsets in bounds, ordered, non-overlapping and without holes.
public struct SafetensorsFile: Sendable {
    public let path: String
    /// Tensor names in file (offset) order.
    public let names: [String]
    public let tensors: [String: Tensor]
    public let metadata: [String: String]
    public let fileSize: Int

    /// The largest header accepted, as the reference implementation (100 MB).
    public static let maxHeaderSize = 100_000_000

    /// Opens and validates `path`.
    /// - Throws: `FormatError` naming the file (and tensor) and what was wrong.
    public init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    /// Validates `bytes`, the contents of a file called `name` (the name errors show); the tensors view a copy.
    /// - Throws: as `init(path:)`.
    public init(bytes: [UInt8], name: String) throws {
        try self.init(file: MappedFile(copying: bytes, name: name))
    }

    /// Validates the contents of `file`; the tensors view it.
    public init(file: MappedFile) throws {
        let path = file.path
        self.path = path
        self.fileSize = file.size
        let bytes = file.bytes
        guard file.size >= 8 else {
            throw FormatError.notRecognized(path: path, detail: "\(file.size) bytes is too short for a safetensors header")
        }
        let n64 = bytes.loadUnaligned(as: UInt64.self).littleEndian
        guard n64 <= UInt64(Self.maxHeaderSize) else {
            throw FormatError.corrupt(path: path, detail: "header length \(n64) exceeds the \(Self.maxHeaderSize)-byte limit")
        }
        let n = Int(n64)
        guard n >= 2, 8 + n <= file.size else {
            throw FormatError.corrupt(path: path, detail: "header length \(n) does not fit in a \(file.size)-byte file")
        }
        guard let header = JSONText.object(UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + n)])) else {
            throw FormatError.corrupt(path: path, detail: "header is not a valid JSON object")
        }
        let bufferStart = 8 + n
        let bufferSize = file.size - bufferStart
        var meta: [String: String] = [:]
        var entries: [(name: String, dtype: DType, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw FormatError.corrupt(path: path, detail: "__metadata__ is not an object") }
                for (k, v) in m {
                    guard let s = v as? String else { throw FormatError.corrupt(path: path, detail: "__metadata__ value for '\(k)' is not a string") }
                    meta[k] = s
                }
                continue
            }
            func bad(_ d: String) -> FormatError { .tensor(path: path, tensor: name, detail: d) }
            guard let info = value as? [String: Any] else { throw bad("header entry is not an object") }
            guard let ds = info["dtype"] as? String else { throw bad("missing dtype") }
            guard let dtype = DType(rawValue: ds) else {
                throw bad("unknown dtype '\(ds)' (known: \(DType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let shapeList = info["shape"] as? [Any] else { throw bad("missing shape") }
            var shape: [Int] = []
            for d in shapeList {
                guard let v = JSONText.count(d) else { throw bad("shape \(shapeList) has a dimension that is not a non-negative integer") }
                shape.append(v)
            }
            guard let offs = info["data_offsets"] as? [Any], offs.count == 2,
                  let begin = JSONText.count(offs[0]), let end = JSONText.count(offs[1]) else {
                throw bad("data_offsets must be two non-negative integers")
            }
            guard begin <= end, end <= bufferSize else {
                throw bad("data_offsets [\(begin), \(end)] outside the \(bufferSize)-byte data buffer (the file is truncated or its header is corrupt)")
            }
            var numel = 1
            for d in shape {
                let (m, overflow) = numel.multipliedReportingOverflow(by: d)
                guard !overflow else { throw bad("shape \(shape) overflows") }
                numel = m
            }
            let (bytesNeeded, overflow) = numel.multipliedReportingOverflow(by: dtype.byteSize)
            guard !overflow, bytesNeeded == end - begin else {
                throw bad("shape \(shape) of \(ds) needs \(overflow ? "too many" : String(bytesNeeded)) bytes, data_offsets span \(end - begin)")
            }
            entries.append((name, dtype, shape, begin, end))
        }
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var expected = 0
        for e in entries {
            guard e.begin == expected else {
                let why = e.begin < expected ? "overlaps the previous tensor" : "leaves a hole of \(e.begin - expected) bytes before it"
                throw FormatError.tensor(path: path, tensor: e.name, detail: "data_offsets [\(e.begin), \(e.end)] \(why)")
            }
            expected = e.end
        }
        guard expected == bufferSize else {
            throw FormatError.corrupt(path: path, detail: "data buffer is \(bufferSize) bytes but the tensors cover \(expected)")
        }
        var tensors: [String: Tensor] = [:]
        for e in entries {
            let storage = TensorStorage(viewing: file.base + bufferStart + e.begin, byteCount: e.end - e.begin, owner: file)
            tensors[e.name] = Tensor(dtype: e.dtype, shape: e.shape, storage: storage)
        }
        self.names = entries.map(\.name)
        self.tensors = tensors
        self.metadata = meta
    }

    /// Whether `bytes` (the start of a file) look like safetensors: a plausible length then `{`.
    public static func sniff(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 9 else { return false }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        return n >= 2 && n <= UInt64(maxHeaderSize) && bytes[8] == UInt8(ascii: "{")
    }
}

