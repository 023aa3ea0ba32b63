import Foundation
import Graph

/// NumPy `.npy` files (format versions 1.0–3.0): read little-endian C-order arrays of
/// float16/32/64, int8/16/32/64, uint8 and bool; write float32, float64 and int64.
public enum NpyArray {
    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Most dimensions a header may declare (NumPy's own limit is 64).
    static let maxRank = 64

    /// Reads `path` as a tensor (a copy: `.npy` data is not guaranteed aligned).
    ///
    /// What is validated, before anything is allocated: the magic and version; a header length that
    /// lies inside the file; a header that is a dict with `descr` (a known little-endian or
    /// byte-order-free dtype), `fortran_order` (`True` or `False`) and `shape` (at most `maxRank`
    /// non-negative integers); an element count and byte size that do not overflow `Int`; and a data
    /// section of exactly that many bytes. Fortran-order arrays are read and returned in C order.
    /// - Throws: `FormatError` naming the file and what is wrong (bad magic, header, dtype, size).
    public static func read(path: String) throws -> Tensor {
        try read(file: MappedFile(path: path))
    }

    /// Reads `bytes`, the contents of a `.npy` file called `name` (the name errors show), as `read(path:)` does.
    public static func read(bytes: [UInt8], name: String) throws -> Tensor {
        try read(file: MappedFile(copying: bytes, name: name))
    }

    /// Reads the contents of `file` as `read(path:)` does.
    public static func read(file: MappedFile) throws -> Tensor {
        let path = file.path
        let b = file.bytes
        guard file.size >= 10, Array(b[0..<6]) == magic else {
            throw FormatError.notRecognized(path: path, detail: "missing the \\x93NUMPY magic of a .npy file")
        }
        let major = b[6]
        let headerLen: Int, start: Int
        switch major {
        case 1:
            headerLen = Int(b[8]) | Int(b[9]) << 8
            start = 10
        case 2, 3:
            guard file.size >= 12 else { throw FormatError.corrupt(path: path, detail: "truncated .npy header") }
            headerLen = Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24
            start = 12
        default:
            throw FormatError.unsupported(path: path, detail: ".npy format version \(major) (1–3 are known)")
        }
        guard headerLen <= file.size - start else {
            throw FormatError.corrupt(path: path, detail: "header of \(headerLen) bytes runs past the end of the \(file.size)-byte file")
        }
        let header = String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<(start + headerLen)]), as: UTF8.self)
        let (descr, fortran, shape) = try parseHeader(header, path: path)
        let dtype = try dtype(for: descr, path: path)
        let dataStart = start + headerLen
        let present = file.size - dataStart
        guard let need = SizeCheck.byteCount(shape, dtype) else {
            throw FormatError.corrupt(path: path, detail: "shape \(shape) of \(descr) is too large (its byte size overflows)")
        }
        guard present == need else {
            throw FormatError.corrupt(path: path, detail: "shape \(shape) of \(descr) needs \(need) bytes, file has \(present)")
        }
        let data = UnsafeRawBufferPointer(rebasing: b[dataStart..<file.size])
        guard fortran, shape.count > 1 else { return Tensor(dtype: dtype, shape: shape, bytes: data) }
        // Column-major data is the C-order array of the reversed shape; reversing the axes restores it.
        let reversed = Tensor(dtype: dtype, shape: shape.reversed(), bytes: data)
        return reversed.permuted(Array((0..<shape.count).reversed()))
    }

    /// Writes `tensor` (F32, F64 or I64) to `path` as a version 1.0 `.npy`, atomically.
    public static func write(_ tensor: Tensor, to path: String) throws {
        let descr: String
        switch tensor.dtype {
        case .f32: descr = "<f4"
        case .f64: descr = "<f8"
        case .i64: descr = "<i8"
        default: throw FormatError.unsupported(path: path, detail: "writing \(tensor.dtype.rawValue) to .npy (F32, F64, I64 are written)")
        }
        let dims = tensor.shape.map(String.init).joined(separator: ", ") + (tensor.shape.count == 1 ? "," : "")
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(dims)), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let writer = try AtomicFileWriter(path: path)
        let len = header.utf8.count
        try writer.write(magic + [1, 0, UInt8(len & 0xFF), UInt8(len >> 8)])
        try writer.write(Array(header.utf8))
        try writer.write(tensor.bytes)
        try writer.commit()
    }

    private static func dtype(for descr: String, path: String) throws -> DType {
        let table: [String: DType] = ["<f4": .f32, "<f8": .f64, "<f2": .f16, "<i8": .i64, "<i4": .i32, "<i2": .i16,
                                       "|i1": .i8, "|u1": .u8, "|b1": .bool, "<u2": .u16, "<u4": .u32, "<u8": .u64]
        if let d = table[descr] { return d }
        if descr.hasPrefix(">") { throw FormatError.unsupported(path: path, detail: "big-endian dtype \(descr)") }
        throw FormatError.unsupported(path: path, detail: "dtype \(descr)")
    }

    /// Parses the Python-literal header dict `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
    private static func parseHeader(_ h: String, path: String) throws -> (String, Bool, [Int]) {
        func value(after key: String) -> Substring? {
            guard let r = h.range(of: "'\(key)':") ?? h.range(of: "\"\(key)\":") else { return nil }
            return h[r.upperBound...].drop { $0 == " " }
        }
        guard h.trimmingCharacters(in: .whitespaces).hasPrefix("{") else {
            throw FormatError.corrupt(path: path, detail: "header is not a Python dict literal")
        }
        guard let d = value(after: "descr"), let q = d.first, q == "'" || q == "\"",
              let close = d.dropFirst().firstIndex(of: q) else {
            throw FormatError.corrupt(path: path, detail: "header has no 'descr'")
        }
        let descr = String(d[d.index(after: d.startIndex)..<close])
        guard let f = value(after: "fortran_order") else { throw FormatError.corrupt(path: path, detail: "header has no 'fortran_order'") }
        let fortran: Bool
        if f.hasPrefix("True") {
            fortran = true
        } else if f.hasPrefix("False") {
            fortran = false
        } else {
            throw FormatError.corrupt(path: path, detail: "'fortran_order' is neither True nor False")
        }
        guard let s = value(after: "shape"), s.first == "(", let end = s.firstIndex(of: ")") else {
            throw FormatError.corrupt(path: path, detail: "header has no 'shape' tuple")
        }
        var shape: [Int] = []
        for part in s[s.index(after: s.startIndex)..<end].split(separator: ",", omittingEmptySubsequences: false) {
            var trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix("L") { trimmed.removeLast() }  // Python 2 longs
            if trimmed.isEmpty { continue }
            guard let v = Int(trimmed), v >= 0 else {
                throw FormatError.corrupt(path: path, detail: "bad shape entry '\(part)' (dimensions are non-negative integers)")
            }
            shape.append(v)
            guard shape.count <= maxRank else {
                throw FormatError.corrupt(path: path, detail: "shape has more than \(maxRank) dimensions")
            }
        }
        return (descr, fortran, shape)
    }
}
