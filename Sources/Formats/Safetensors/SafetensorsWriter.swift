import Graph
/// Writes safetensors files, deterministically and atomically.
///
/// Tensors are laid out as the reference library does — ordered by dtype (widest first) then name,
/// so every tensor is naturally aligned — and the JSON header (`__metadata__` first, keys sorted) is
/// padded with spaces to a multiple of 8 bytes. Data is streamed tensor by tensor from its source
/// (typically a memory-mapped file), so memory beyond the sources stays at one header.
public enum SafetensorsWriter {
    /// Writes `tensors` and `metadata` to `path` through a temporary file.
    /// - Returns: bytes written.
    @discardableResult
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws -> Int {
        let order = DType.allCases
        let names = tensors.keys.sorted { a, b in
            let ia = order.firstIndex(of: tensors[a]!.dtype)!, ib = order.firstIndex(of: tensors[b]!.dtype)!
            return ia != ib ? ia > ib : a < b
        }
        var parts: [String] = []
        if !metadata.isEmpty {
            let m = metadata.keys.sorted().map { "\(JSONText.quote($0)):\(JSONText.quote(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(m.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            let t = tensors[name]!
            let shape = t.shape.map(String.init).joined(separator: ",")
            parts.append("\(JSONText.quote(name)):{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + t.byteCount)]}")
            offset += t.byteCount
        }
        var header = Array("{\(parts.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        let writer = try AtomicFileWriter(path: path)
        var length = UInt64(header.count).littleEndian
        try withUnsafeBytes(of: &length) { try writer.write($0) }
        try writer.write(header)
        for name in names {
            try writer.write(tensors[name]!.bytes)
            WriteProgress.tensorWritten(bytes: tensors[name]!.byteCount)
        }
        try writer.commit()
        return writer.bytesWritten
    }
}

