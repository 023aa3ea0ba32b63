import Foundation
import Graph

/// NumPy `.npy` files (format versions 1.0–3.0): read little-endian C-order arrays of
/// float16/32/64, int8/16/32/64, uint8 and bool; write float32, float64 and int64.
public enum NpyArray {
    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Reads `path` as a tensor (a copy: `.npy` data is not guaranteed aligned).
    /// - Throws: `FormatError` naming the file and what is wrong (bad magic, header, dtype, size).
    public static func read(path: String) throws -> Tensor {
        let file = try MappedFile(path: path)
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
        guard start + headerLen <= file.size else { throw FormatError.corrupt(path: path, detail: "header runs past the end of the file") }
        let header = String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<(start + headerLen)]), as: UTF8.self)
        let (descr, fortran, shape) = try parseHeader(header, path: path)
        guard !fortran else { throw FormatError.unsupported(path: path, detail: "Fortran-order arrays (save with C order)") }
        let dtype = try dtype(for: descr, path: path)
        let count = shape.reduce(1, *)
        let dataStart = start + headerLen
        guard file.size - dataStart == count * dtype.byteSize else {
            throw FormatError.corrupt(path: path, detail: "shape \(shape) of \(descr) needs \(count * dtype.byteSize) bytes, file has \(file.size - dataStart)")
        }
        return Tensor(dtype: dtype, shape: shape, bytes: UnsafeRawBufferPointer(rebasing: b[dataStart..<file.size]))
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
        guard let d = value(after: "descr"), let q = d.first, q == "'" || q == "\"",
              let close = d.dropFirst().firstIndex(of: q) else {
            throw FormatError.corrupt(path: path, detail: "header has no 'descr'")
        }
        let descr = String(d[d.index(after: d.startIndex)..<close])
        guard let f = value(after: "fortran_order") else { throw FormatError.corrupt(path: path, detail: "header has no 'fortran_order'") }
        let fortran = f.hasPrefix("True")
        guard let s = value(after: "shape"), s.first == "(", let end = s.firstIndex(of: ")") else {
            throw FormatError.corrupt(path: path, detail: "header has no 'shape' tuple")
        }
        var shape: [Int] = []
        for part in s[s.index(after: s.startIndex)..<end].split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            if trimmed.isEmpty { continue }
            guard let v = Int(trimmed), v >= 0 else { throw FormatError.corrupt(path: path, detail: "bad shape entry '\(part)'") }
            shape.append(v)
        }
        return (descr, fortran, shape)
    }
}

