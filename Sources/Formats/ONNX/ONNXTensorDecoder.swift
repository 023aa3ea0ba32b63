import Foundation
import Graph

/// Turns `TensorProto`s into tensors: `raw_data` (a zero-copy view of the mapped file when the
/// scanner located it), the typed fields (`float_data`, `int64_data`, …, copied), and external data
/// (`data_location = EXTERNAL`: `location` relative to the model's directory and refused when it
/// escapes it, `offset`/`length`, memory-mapped and viewed without a copy).
struct ONNXTensorDecoder {
    let path: String
    let file: MappedFile
    /// Mapped external data files by resolved path (each mapped once).
    private let externals = ExternalFiles()

    final class ExternalFiles: @unchecked Sendable { var files: [String: MappedFile] = [:] }

    /// Bytes of the external data files mapped so far.
    var externalBytes: Int { externals.files.values.reduce(0) { $0 + $1.size } }

    init(path: String, file: MappedFile) {
        self.path = path
        self.file = file
    }

    static func dtype(_ code: Int32) -> DType? {
        switch code {
        case 1: return .f32
        case 2: return .u8
        case 3: return .i8
        case 4: return .u16
        case 5: return .i16
        case 6: return .i32
        case 7: return .i64
        case 9: return .bool
        case 10: return .f16
        case 11: return .f64
        case 12: return .u32
        case 13: return .u64
        case 16: return .bf16
        case 17: return .f8e4m3
        case 19: return .f8e5m2
        default: return nil
        }
    }

    /// The ONNX code of `dtype` (the inverse of `dtype(_:)`).
    static func code(_ dtype: DType) -> Int32 {
        switch dtype {
        case .f32: return 1
        case .u8: return 2
        case .i8: return 3
        case .u16: return 4
        case .i16: return 5
        case .i32: return 6
        case .i64: return 7
        case .bool: return 9
        case .f16: return 10
        case .f64: return 11
        case .u32: return 12
        case .u64: return 13
        case .bf16: return 16
        case .f8e4m3: return 17
        case .f8e5m2: return 19
        }
    }

    /// Decodes one tensor. Validated before anything is allocated or viewed: a supported data type,
    /// non-negative dims whose element count and byte size fit in `Int` (checked products), and a
    /// payload — `raw_data`, the typed field's value count, or the external file's `length` and size
    /// past `offset` — that holds exactly those bytes or elements.
    /// - Parameter raw: where the scanner found this tensor's `raw_data` in the file, if anywhere.
    /// - Throws: `FormatError.tensor` naming the file and tensor.
    func tensor(_ t: Onnx_TensorProto, raw: Range<Int>?, name: String) throws -> Tensor {
        func bad(_ d: String) -> FormatError { .tensor(path: path, tensor: name, detail: d) }
        guard let dtype = Self.dtype(t.dataType) else { throw bad("ONNX data type \(t.dataType) is not supported") }
        guard t.dims.allSatisfy({ $0 >= 0 }) else { throw bad("negative dimension in \(t.dims)") }
        let shape = t.dims.map { Int($0) }
        guard let count = SizeCheck.elementCount(shape), let byteCount = SizeCheck.byteCount(shape, dtype) else {
            throw bad("shape \(shape) of \(dtype.rawValue) is too large (its size overflows)")
        }
        if t.dataLocation == .external {
            return try external(t, dtype: dtype, shape: shape, byteCount: byteCount, bad: bad)
        }
        if let r = raw {
            guard r.count == byteCount else { throw bad("raw_data has \(r.count) bytes, shape \(shape) of \(dtype.rawValue) needs \(byteCount)") }
            return Tensor(dtype: dtype, shape: shape, storage: TensorStorage(viewing: file.base + r.lowerBound, byteCount: byteCount, owner: file))
        }
        if t.hasRawData {
            let data = t.rawData
            guard data.count == byteCount else { throw bad("raw_data has \(data.count) bytes, shape \(shape) of \(dtype.rawValue) needs \(byteCount)") }
            return data.withUnsafeBytes { Tensor(dtype: dtype, shape: shape, bytes: $0) }
        }
        return try typed(t, dtype: dtype, shape: shape, count: count, bad: bad)
    }

    /// The number of values in the typed field that carries `dtype`, and the field's name.
    private static func typedCount(_ t: Onnx_TensorProto, _ dtype: DType) -> (Int, String) {
        switch dtype {
        case .f32: return (t.floatData.count, "float_data")
        case .f64: return (t.doubleData.count, "double_data")
        case .i64: return (t.int64Data.count, "int64_data")
        case .u64, .u32: return (t.uint64Data.count, "uint64_data")
        default: return (t.int32Data.count, "int32_data")
        }
    }

    private func typed(_ t: Onnx_TensorProto, dtype: DType, shape: [Int], count: Int, bad: (String) -> FormatError) throws -> Tensor {
        // The values present are counted before the output is allocated.
        let (present, field) = Self.typedCount(t, dtype)
        guard present == count else { throw bad("\(field) has \(present) values, shape \(shape) needs \(count)") }
        let out = Tensor(zeros: dtype, shape: shape)
        let p = out.mutableRawPointer
        switch dtype {
        case .f32:
            for (i, v) in t.floatData.enumerated() { p.storeBytes(of: v, toByteOffset: i * 4, as: Float.self) }
        case .f64:
            for (i, v) in t.doubleData.enumerated() { p.storeBytes(of: v, toByteOffset: i * 8, as: Double.self) }
        case .i64:
            for (i, v) in t.int64Data.enumerated() { p.storeBytes(of: v, toByteOffset: i * 8, as: Int64.self) }
        case .u64, .u32:
            for (i, v) in t.uint64Data.enumerated() {
                if dtype == .u64 { p.storeBytes(of: v, toByteOffset: i * 8, as: UInt64.self) } else { p.storeBytes(of: UInt32(truncatingIfNeeded: v), toByteOffset: i * 4, as: UInt32.self) }
            }
        default:
            // int32_data carries every narrower type, one element per entry (16-bit floats as bit patterns).
            for (i, v) in t.int32Data.enumerated() {
                switch dtype.byteSize {
                case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: i, as: UInt8.self)
                case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: v), toByteOffset: i * 2, as: UInt16.self)
                default: p.storeBytes(of: v, toByteOffset: i * 4, as: Int32.self)
                }
            }
        }
        return out
    }

    private func external(_ t: Onnx_TensorProto, dtype: DType, shape: [Int], byteCount: Int, bad: (String) -> FormatError) throws -> Tensor {
        var entries: [String: String] = [:]
        for e in t.externalData { entries[e.key] = e.value }
        guard let location = entries["location"], !location.isEmpty else { throw bad("external data without a location") }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.resolvingSymlinksInPath().path
        guard !location.hasPrefix("/") else { throw bad("external data location '\(location)' is an absolute path; it must be relative to the model") }
        let resolved = URL(fileURLWithPath: dir).appendingPathComponent(location).standardizedFileURL.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(dir.hasSuffix("/") ? dir : dir + "/") else {
            throw bad("external data location '\(location)' escapes the model's directory \(dir)")
        }
        let offset = try entries["offset"].map { s -> Int in
            guard let v = Int(s), v >= 0 else { throw bad("external data offset '\(s)' is not a non-negative integer") }
            return v
        } ?? 0
        let length = try entries["length"].map { s -> Int in
            guard let v = Int(s), v >= 0 else { throw bad("external data length '\(s)' is not a non-negative integer") }
            return v
        }
        if let l = length, l != byteCount { throw bad("external data length \(l) does not match shape \(shape) of \(dtype.rawValue) (\(byteCount) bytes)") }
        let mapped: MappedFile
        if let m = externals.files[resolved] {
            mapped = m
        } else {
            do { mapped = try MappedFile(path: resolved) } catch FormatError.fileNotFound {
                throw bad("external data file '\(location)' not found (looked for \(resolved))")
            }
            externals.files[resolved] = mapped
        }
        guard offset <= mapped.size, byteCount <= mapped.size - offset else {
            throw bad("external data '\(location)' is \(mapped.size) bytes; the tensor needs \(byteCount) bytes from offset \(offset) (file short or truncated)")
        }
        return Tensor(dtype: dtype, shape: shape, storage: TensorStorage(viewing: mapped.base + offset, byteCount: byteCount, owner: mapped))
    }
}
