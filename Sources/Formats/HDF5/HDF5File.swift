import Graph
internal import CHDF5

/// An HDF5 file opened read-only through libhdf5.
///
/// Datasets are read on demand, one at a time. A contiguous, unfiltered little-endian dataset is
/// returned as a zero-copy view of the memory-mapped file (libhdf5 reports its byte offset); any
/// other layout (chunked, compressed, big-endian) is read by libhdf5 into a fresh buffer. Either way
/// the bytes are the file's exactly. Every HDF5 handle a method opens is closed before it returns.
public final class HDF5File: @unchecked Sendable {
    public let path: String
    private let file: hid_t
    private let mapped: MappedFile

    /// Opens `path`.
    /// - Throws: `FormatError.fileNotFound`, `.notRecognized` when the file is not HDF5, `.corrupt`
    ///   when libhdf5 cannot open it (truncated, damaged superblock), with libhdf5's reason.
    public init(path: String) throws {
        self.path = path
        let mapped = try MappedFile(path: path)
        self.mapped = mapped
        file = try HDF5Library.locked {
            let isHDF5 = H5Fis_hdf5(path)
            guard isHDF5 > 0 else {
                let hex = mapped.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
                _ = HDF5Library.errorStack()
                throw FormatError.notRecognized(path: path, detail: "no HDF5 signature (first bytes \(hex))")
            }
            return try HDF5Library.check(H5Fopen(path, vitopt_h5f_acc_rdonly(), vitopt_h5p_default()), path, nil, "opening the file")
        }
    }

    deinit {
        HDF5Library.locked { _ = H5Fclose(file) }
    }

    /// The file's size in bytes.
    public var fileSize: Int { mapped.size }

    /// Every object below the root, sorted by path: datasets (`isDataset`) and groups.
    public func objects() throws -> [(path: String, isDataset: Bool)] {
        try HDF5Library.locked {
            var length = 0
            guard let buffer = vitopt_h5_list(file, &length) else { throw HDF5Library.failure(path, nil, "listing the objects") }
            return HDF5Library.entries(buffer, length).compactMap { e in
                e.kind == "D" ? (e.name, true) : (e.kind == "G" ? (e.name, false) : nil)
            }
        }
    }

    /// The dataset paths, sorted.
    public func datasets() throws -> [String] { try objects().filter(\.isDataset).map(\.path) }

    /// Whether an object (group or dataset) exists at `objectPath`.
    public func exists(_ objectPath: String) -> Bool {
        HDF5Library.locked {
            var prefix = ""
            for part in objectPath.split(separator: "/") {
                prefix += (prefix.isEmpty ? "" : "/") + part
                guard H5Lexists(file, prefix, vitopt_h5p_default()) > 0 else { _ = HDF5Library.errorStack(); return false }
            }
            return true
        }
    }

    /// The attribute names of the object at `objectPath` (`"/"` for the root), sorted.
    public func attributeNames(_ objectPath: String = "/") throws -> [String] {
        try HDF5Library.locked {
            let obj = try HDF5Library.check(H5Oopen(file, objectPath, vitopt_h5p_default()), path, objectPath, "opening")
            defer { H5Oclose(obj) }
            var length = 0
            guard let buffer = vitopt_h5_attribute_names(obj, &length) else {
                throw HDF5Library.failure(path, objectPath, "listing attributes")
            }
            return HDF5Library.entries(buffer, length).map(\.name)
        }
    }

    /// The attribute `name` of the object at `objectPath`, or `nil` when it has none of that name.
    /// - Throws: `FormatError` when the attribute exists but is of a type vitopt does not read.
    public func attribute(_ name: String, of objectPath: String = "/") throws -> HDF5Attribute? {
        try HDF5Library.locked {
            let exists = H5Aexists_by_name(file, objectPath, name, vitopt_h5p_default())
            guard exists > 0 else { _ = HDF5Library.errorStack(); return nil }
            let where_ = objectPath == "/" ? "attribute '\(name)'" : "\(objectPath) attribute '\(name)'"
            let attr = try HDF5Library.check(H5Aopen_by_name(file, objectPath, name, vitopt_h5p_default(), vitopt_h5p_default()), path, where_, "opening")
            defer { H5Aclose(attr) }
            let type = try HDF5Library.check(H5Aget_type(attr), path, where_, "reading the type")
            defer { H5Tclose(type) }
            let space = try HDF5Library.check(H5Aget_space(attr), path, where_, "reading the shape")
            defer { H5Sclose(space) }
            let count = Int(H5Sget_simple_extent_npoints(space))
            let scalar = H5Sget_simple_extent_type(space) == H5S_SCALAR
            switch H5Tget_class(type) {
            case H5T_STRING:
                return HDF5Attribute(.strings(try readStrings(attr, type, space, count, where_)), isScalar: scalar,
                                     storage: H5Tis_variable_str(type) > 0 ? .variable : .fixed)
            case H5T_INTEGER:
                var values = [Int64](repeating: 0, count: count)
                try HDF5Library.check(H5Aread(attr, vitopt_h5t_native_int64(), &values), path, where_, "reading")
                return HDF5Attribute(.integers(values), isScalar: scalar)
            case H5T_FLOAT:
                var values = [Double](repeating: 0, count: count)
                try HDF5Library.check(H5Aread(attr, vitopt_h5t_native_double(), &values), path, where_, "reading")
                return HDF5Attribute(.floats(values), isScalar: scalar)
            default:
                throw FormatError.unsupported(path: path, detail: "\(where_) is a \(HDF5TypeMap.describe(type)); vitopt reads string and numeric attributes")
            }
        }
    }

    private func readStrings(_ attr: hid_t, _ type: hid_t, _ space: hid_t, _ count: Int, _ where_: String) throws -> [String] {
        if H5Tis_variable_str(type) > 0 {
            let mem = try HDF5Library.check(H5Tcopy(vitopt_h5t_c_s1()), path, where_, "making a string type")
            defer { H5Tclose(mem) }
            H5Tset_size(mem, vitopt_h5t_variable())
            H5Tset_cset(mem, H5Tget_cset(type))
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            try HDF5Library.check(H5Aread(attr, mem, &pointers), path, where_, "reading")
            let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
            pointers.withUnsafeMutableBytes { _ = vitopt_h5_reclaim(mem, space, $0.baseAddress) }
            return strings
        }
        let size = H5Tget_size(type)
        let spacePadded = H5Tget_strpad(type) == H5T_STR_SPACEPAD
        var bytes = [UInt8](repeating: 0, count: max(1, size * count))
        try HDF5Library.check(H5Aread(attr, type, &bytes), path, where_, "reading")
        return (0..<count).map { i in
            var s = Array(bytes[(i * size)..<((i + 1) * size)])
            if let nul = s.firstIndex(of: 0) { s = Array(s[..<nul]) }
            if spacePadded { while s.last == UInt8(ascii: " ") { s.removeLast() } }
            return String(decoding: s, as: UTF8.self)
        }
    }

    /// The dtype and shape of the dataset at `datasetPath`, without reading it.
    public func info(_ datasetPath: String) throws -> (dtype: DType, shape: [Int]) {
        try HDF5Library.locked {
            try withDataset(datasetPath) { _, dtype, shape, _ in (dtype, shape) }
        }
    }

    /// Reads the dataset at `datasetPath` as a tensor (a view of the mapped file when possible).
    /// - Throws: `FormatError.tensor` naming the dataset for an unsupported type, a null dataspace,
    ///   or data that lies outside the file (truncation).
    public func tensor(_ datasetPath: String) throws -> Tensor {
        try HDF5Library.locked {
            try withDataset(datasetPath) { ds, dtype, shape, type in
                let bytes = shape.reduce(1, *) * dtype.byteSize
                if let view = try zeroCopyView(ds, type, dtype, shape, bytes, datasetPath) { return view }
                let out = Tensor(zeros: dtype, shape: shape)
                guard bytes > 0 else { return out }
                let mem = try HDF5Library.check(H5Tcopy(type), path, datasetPath, "copying the type")
                defer { H5Tclose(mem) }
                if dtype.byteSize > 1 { H5Tset_order(mem, H5T_ORDER_LE) }
                try HDF5Library.check(H5Dread(ds, mem, vitopt_h5s_all(), vitopt_h5s_all(), vitopt_h5p_default(), out.mutableRawPointer),
                                      path, datasetPath, "reading the data")
                return out
            }
        }
    }

    private func zeroCopyView(_ ds: hid_t, _ type: hid_t, _ dtype: DType, _ shape: [Int], _ bytes: Int, _ name: String) throws -> Tensor? {
        guard bytes > 0, dtype.byteSize == 1 || H5Tget_order(type) == H5T_ORDER_LE else { return nil }
        let dcpl = H5Dget_create_plist(ds)
        guard dcpl >= 0 else { _ = HDF5Library.errorStack(); return nil }
        defer { H5Pclose(dcpl) }
        guard H5Pget_layout(dcpl) == H5D_CONTIGUOUS, H5Pget_nfilters(dcpl) == 0 else { return nil }
        let address = H5Dget_offset(ds)
        guard address != vitopt_haddr_undef() else { _ = HDF5Library.errorStack(); return nil }
        let offset = UInt64(address)
        guard offset <= UInt64(mapped.size), UInt64(bytes) <= UInt64(mapped.size) - offset else {
            throw FormatError.tensor(path: path, tensor: name,
                detail: "data at bytes \(offset)…\(offset + UInt64(bytes)) lies outside the \(mapped.size)-byte file (truncated?)")
        }
        let storage = TensorStorage(viewing: mapped.base + Int(offset), byteCount: bytes, owner: mapped)
        return Tensor(dtype: dtype, shape: shape, storage: storage)
    }

    private func withDataset<T>(_ name: String, _ body: (hid_t, DType, [Int], hid_t) throws -> T) throws -> T {
        let ds = try HDF5Library.check(H5Dopen2(file, name, vitopt_h5p_default()), path, name, "opening the dataset")
        defer { H5Dclose(ds) }
        let type = try HDF5Library.check(H5Dget_type(ds), path, name, "reading the type")
        defer { H5Tclose(type) }
        let space = try HDF5Library.check(H5Dget_space(ds), path, name, "reading the shape")
        defer { H5Sclose(space) }
        guard H5Sget_simple_extent_type(space) != H5S_NULL else {
            throw FormatError.tensor(path: path, tensor: name, detail: "the dataset has a null dataspace (no shape, no data)")
        }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        if rank > 0 { H5Sget_simple_extent_dims(space, &dims, nil) }
        let marker = try attribute(HDF5TypeMap.dtypeAttribute, of: name)?.stringValue
        switch HDF5TypeMap.dtype(of: type, marker: marker) {
        case .success(let dtype):
            return try body(ds, dtype, rank == 0 ? [] : dims.map { Int($0) }, type)
        case .failure(let why):
            throw FormatError.tensor(path: path, tensor: name,
                detail: "unsupported dataset type: \(why) (vitopt reads f16/bf16/f32/f64, i8…i64, u8…u64 and bool)")
        }
    }
}
