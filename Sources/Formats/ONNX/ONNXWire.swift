import Graph

/// A bounds-checked reader of the protobuf wire format, used to find initializer payloads in the
/// mapped file before the generated decoder sees the message.
///
/// `stripRawData` returns the ModelProto bytes with every `graph.initializer[i].raw_data` removed
/// (lengths re-encoded) plus, per initializer, the byte range of its payload in the file — so the
/// weights become zero-copy views of the mapping and the decoder only parses the small structure.
enum ONNXWire {
    struct Stripped {
        var message: [UInt8]
        /// For each `graph.initializer`, in order: the file range of its `raw_data`, if it has one.
        var rawData: [Range<Int>?]
    }

    static func stripRawData(_ bytes: UnsafeRawBufferPointer, path: String) throws -> Stripped {
        var ranges: [Range<Int>?] = []
        let message = try rewrite(bytes, 0..<bytes.count, path: path, what: "ModelProto") { field, content, out in
            guard field == 7 else { return false }  // ModelProto.graph
            let graph = try rewrite(bytes, content, path: path, what: "GraphProto") { gField, gContent, gOut in
                guard gField == 5 else { return false }  // GraphProto.initializer
                var raw: Range<Int>?
                let tensor = try rewrite(bytes, gContent, path: path, what: "TensorProto") { tField, tContent, _ in
                    guard tField == 9 else { return false }  // TensorProto.raw_data
                    raw = tContent
                    return true
                }
                ranges.append(raw)
                appendLengthDelimited(&gOut, field: 5, tensor)
                return true
            }
            appendLengthDelimited(&out, field: 7, graph)
            return true
        }
        return Stripped(message: message, rawData: ranges)
    }

    /// Copies the fields of the message in `range`, letting `handle` replace length-delimited ones
    /// (it returns true when it wrote — or deliberately dropped — the field).
    private static func rewrite(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, path: String, what: String,
                                _ handle: (Int, Range<Int>, inout [UInt8]) throws -> Bool) throws -> [UInt8] {
        var out: [UInt8] = []
        var pos = range.lowerBound
        func truncated(_ at: Int, _ need: String) -> FormatError {
            .corrupt(path: path, detail: "truncated or malformed protobuf: \(what) field at byte \(at) needs \(need), but the message ends at byte \(range.upperBound)")
        }
        func varint() throws -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            let start = pos
            while true {
                guard pos < range.upperBound else { throw truncated(start, "a complete varint") }
                let b = bytes[pos]
                pos += 1
                v |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return v }
                shift += 7
                guard shift < 64 else { throw FormatError.corrupt(path: path, detail: "malformed protobuf: varint longer than 10 bytes at byte \(start) in \(what)") }
            }
        }
        while pos < range.upperBound {
            let fieldStart = pos
            let tag = try varint()
            let field = Int(tag >> 3), wire = Int(tag & 7)
            guard field > 0 else { throw FormatError.corrupt(path: path, detail: "malformed protobuf: field number 0 at byte \(fieldStart) in \(what)") }
            switch wire {
            case 0: _ = try varint()
            case 1: guard pos + 8 <= range.upperBound else { throw truncated(fieldStart, "8 bytes") }; pos += 8
            case 5: guard pos + 4 <= range.upperBound else { throw truncated(fieldStart, "4 bytes") }; pos += 4
            case 2:
                let n = try varint()
                guard n <= UInt64(range.upperBound - pos) else { throw truncated(fieldStart, "\(n) bytes of field \(field)") }
                let content = pos..<(pos + Int(n))
                pos += Int(n)
                if try handle(field, content, &out) { continue }
            default:
                throw FormatError.corrupt(path: path, detail: "malformed protobuf: wire type \(wire) at byte \(fieldStart) in \(what) (not an ONNX model?)")
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[fieldStart..<pos]))
        }
        return out
    }

    private static func appendLengthDelimited(_ out: inout [UInt8], field: Int, _ payload: [UInt8]) {
        appendVarint(&out, UInt64(field << 3 | 2))
        appendVarint(&out, UInt64(payload.count))
        out.append(contentsOf: payload)
    }

    static func appendVarint(_ out: inout [UInt8], _ value: UInt64) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
