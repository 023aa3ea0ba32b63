import Graph
internal import CHDF5

/// How vitopt's dtypes are stored in HDF5, and how HDF5 types read back.
///
/// Storage contract (bit-exact in both directions, little-endian):
/// - F32, F64, I8…I64, U8…U64: the standard IEEE / two's-complement little-endian types;
/// - F16: IEEE binary16 built exactly as h5py builds `numpy.float16`, so h5py reads it as float16;
/// - BF16, F8_E4M3, F8_E5M2, BOOL have no HDF5 type that h5py or TensorFlow understand: they are
///   stored as unsigned integers of the same width holding the raw bit patterns (BF16 → uint16,
///   F8 and BOOL → uint8), with a dataset attribute `vitopt_dtype` naming the real type
///   (`bfloat16`, `float8_e4m3fn`, `float8_e5m2`, `bool`). Readers without vitopt see the bits as
///   integers; vitopt restores the dtype from the attribute, so a round trip is bit-exact.
///
/// Reading also accepts any 2-byte IEEE-style float whose fields are binary16's or bfloat16's,
/// big-endian files (byte-swapped by libhdf5 on read), and h5py's boolean enum.
enum HDF5TypeMap {
    /// The dataset attribute marking a dtype stored as raw integer bits.
    static let dtypeAttribute = "vitopt_dtype"

    /// Marker values of `dtypeAttribute`.
    static let markers: [DType: String] = [.bf16: "bfloat16", .f8e4m3: "float8_e4m3fn", .f8e5m2: "float8_e5m2", .bool: "bool"]

    /// The file type to write `dtype` as (the caller closes it when `owned`), and the marker to attach.
    static func fileType(for dtype: DType) -> (type: hid_t, owned: Bool, marker: String?) {
        switch dtype {
        case .f32: return (vitopt_h5t_ieee_f32le(), false, nil)
        case .f64: return (vitopt_h5t_ieee_f64le(), false, nil)
        case .f16: return (vitopt_h5t_ieee_f16le(), true, nil)
        case .i8: return (vitopt_h5t_std_i8le(), false, nil)
        case .i16: return (vitopt_h5t_std_i16le(), false, nil)
        case .i32: return (vitopt_h5t_std_i32le(), false, nil)
        case .i64: return (vitopt_h5t_std_i64le(), false, nil)
        case .u8: return (vitopt_h5t_std_u8le(), false, nil)
        case .u16: return (vitopt_h5t_std_u16le(), false, nil)
        case .u32: return (vitopt_h5t_std_u32le(), false, nil)
        case .u64: return (vitopt_h5t_std_u64le(), false, nil)
        case .bf16: return (vitopt_h5t_std_u16le(), false, markers[.bf16])
        case .f8e4m3, .f8e5m2, .bool: return (vitopt_h5t_std_u8le(), false, markers[dtype])
        }
    }

    /// The vitopt dtype of an HDF5 type, or a description of why it has none.
    static func dtype(of type: hid_t, marker: String?) -> Result<DType, UnsupportedType> {
        let cls = H5Tget_class(type)
        let size = H5Tget_size(type)
        if let marker {
            guard let d = markers.first(where: { $0.value == marker })?.key else {
                return .failure(UnsupportedType(description: "\(dtypeAttribute) = '\(marker)' is not a dtype vitopt knows"))
            }
            guard cls == H5T_INTEGER, size == d.byteSize else {
                return .failure(UnsupportedType(description: "\(dtypeAttribute) = '\(marker)' on a \(describe(type)) dataset (expected \(d.byteSize)-byte unsigned integers)"))
            }
            return .success(d)
        }
        switch cls {
        case H5T_FLOAT:
            switch size {
            case 4: return .success(.f32)
            case 8: return .success(.f64)
            case 2:
                var spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0
                H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize)
                let bias = H5Tget_ebias(type)
                if (spos, epos, esize, mpos, msize, bias) == (15, 10, 5, 0, 10, 15) { return .success(.f16) }
                if (spos, epos, esize, mpos, msize, bias) == (15, 7, 8, 0, 7, 127) { return .success(.bf16) }
                return .failure(UnsupportedType(description: "a 2-byte float with \(esize) exponent and \(msize) mantissa bits"))
            default:
                return .failure(UnsupportedType(description: "a \(size)-byte float"))
            }
        case H5T_INTEGER:
            let signed = H5Tget_sign(type) == H5T_SGN_2
            switch (size, signed) {
            case (1, true): return .success(.i8)
            case (2, true): return .success(.i16)
            case (4, true): return .success(.i32)
            case (8, true): return .success(.i64)
            case (1, false): return .success(.u8)
            case (2, false): return .success(.u16)
            case (4, false): return .success(.u32)
            case (8, false): return .success(.u64)
            default: return .failure(UnsupportedType(description: "a \(size)-byte integer"))
            }
        case H5T_ENUM where size == 1 && H5Tget_nmembers(type) == 2:
            return .success(.bool)
        default:
            return .failure(UnsupportedType(description: describe(type)))
        }
    }

    /// A short description of an HDF5 type class, for error messages.
    static func describe(_ type: hid_t) -> String {
        let size = H5Tget_size(type)
        switch H5Tget_class(type) {
        case H5T_INTEGER: return "\(size)-byte integer"
        case H5T_FLOAT: return "\(size)-byte float"
        case H5T_STRING: return "string"
        case H5T_COMPOUND: return "compound (struct)"
        case H5T_ENUM: return "enum"
        case H5T_VLEN: return "variable-length sequence"
        case H5T_ARRAY: return "array"
        case H5T_OPAQUE: return "opaque"
        case H5T_REFERENCE: return "reference"
        case H5T_BITFIELD: return "bitfield"
        case H5T_TIME: return "time"
        default: return "unknown type class"
        }
    }

    struct UnsupportedType: Error, CustomStringConvertible {
        let description: String
    }
}
