import Foundation
import Graph
internal import CHDF5

/// An HDF5 file opened read-only through libhdf5.
///
/// Datasets are read on demand, one at a time. A contiguous, unfiltered little-endian dataset is
/// returned as a zero-copy view of the memory-mapped file (libhdf5 reports its byte offset); any
/// other layout (chunked, compressed, big-endian) is read by libhdf5 into a fresh buffer. Either way
/// the bytes are the file's exactly. Every HDF5 handle a method opens is closed before it returns.
///
/// What is validated before a dataset is read: its dims fit `Int` and its byte size does not
/// overflow (checked products); the bytes it declares are backed by storage (`checkStorage`: the
/// file's contiguous or chunked storage, or, for compressed chunks, a bounded expansion of it);
/// external raw storage stays inside the file's folder and its files hold the bytes; attributes
/// declare no more values than their storage holds; groups nest at most `maxDepth` levels.
public final class HDF5File: @unchecked Sendable {
    public let path: String
    private let file: hid_t
    private let mapped: MappedFile
    /// The file's folder, symbolic links resolved: where external raw storage must stay.
    private let folder: String
    /// What is wrong with the file's global heap (`HDF5GlobalHeapCheck`), checked once, before the
    /// first variable-length string is read (under `HDF5Library.locked`, like every use of the file).
    private lazy var globalHeapProblem: String? = HDF5GlobalHeapCheck.problem(in: mapped.bytes)

    /// Opens `path`.
    /// - Throws: `FormatError.fileNotFound`, `.notRecognized` when the file is not HDF5, `.corrupt`
    ///   when libhdf5 cannot open it (truncated, damaged superblock), with libhdf5's reason.
    public convenience init(path: String) throws {
        try self.init(file: MappedFile(path: path), image: false)
    }

    /// Opens `bytes`, the contents of an HDF5 file called `name`, as `init(path:)` opens a file:
    /// libhdf5 reads them as a file image (its in-memory `core` driver), datasets view the copy, and
    /// external raw storage is looked up beside `name`.
    public convenience init(bytes: [UInt8], name: String) throws {
        try self.init(file: MappedFile(copying: bytes, name: name), image: true)
    }

    /// Opens `mapped`: by its path, or, with `image`, from its bytes (libhdf5 keeps its own copy).
    private init(file mapped: MappedFile, image: Bool) throws {
        let path = mapped.path
        self.path = path
        self.mapped = mapped
        folder = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.resolvingSymlinksInPath().path
        file = try HDF5Library.locked {
            let isHDF5 = image ? (Self.hasSignature(mapped.bytes) ? 1 : 0) : H5Fis_hdf5(path)
            guard isHDF5 > 0 else {
                let hex = mapped.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
                _ = HDF5Library.errorStack()
                throw FormatError.notRecognized(path: path, detail: "no HDF5 signature (first bytes \(hex))")
            }
            guard image else {
                return try HDF5Library.check(H5Fopen(path, vitopt_h5f_acc_rdonly(), vitopt_h5p_default()), path, nil, "opening the file")
            }
            let fapl = try HDF5Library.check(H5Pcreate(vitopt_h5p_file_access()), path, nil, "making a file access property list")
            defer { H5Pclose(fapl) }
            try HDF5Library.check(H5Pset_fapl_core(fapl, 1 << 16, false), path, nil, "choosing the in-memory driver")
            try HDF5Library.check(H5Pset_file_image(fapl, UnsafeMutableRawPointer(mutating: mapped.base), mapped.size),
                                  path, nil, "setting the file image")
            return try HDF5Library.check(H5Fopen(path, vitopt_h5f_acc_rdonly(), fapl), path, nil, "opening the file")
        }
    }

    /// Whether `bytes` hold HDF5's 8-byte signature where a superblock may start: at byte 0, 512,
    /// 1024, 2048, … (what `H5Fis_hdf5` looks for in a file).
    static func hasSignature(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
        var at = 0
        while at <= bytes.count - signature.count {
            if signature.indices.allSatisfy({ bytes[at + $0] == signature[$0] }) { return true }
            at = at == 0 ? 512 : at * 2
        }
        return false
    }

    deinit {
        HDF5Library.locked { _ = H5Fclose(file) }
    }

    /// The file's size in bytes.
    public var fileSize: Int { mapped.size }

    /// Deepest group nesting `objects()` walks; real checkpoints nest a handful of levels.
    public static let maxDepth = 64

    /// Every object below the root, sorted by path: datasets (`isDataset`) and groups. The walk is
    /// linear in the number of objects.
    /// - Throws: `FormatError.corrupt` for objects nested deeper than `maxDepth` levels.
    public func objects() throws -> [(path: String, isDataset: Bool)] {
        try HDF5Library.locked {
            var length = 0
            var tooDeep: Int32 = 0
            guard let buffer = vitopt_h5_list(file, &length, Int32(Self.maxDepth), &tooDeep) else {
                if tooDeep != 0 {
                    _ = HDF5Library.errorStack()
                    throw FormatError.corrupt(path: path, detail: "groups are nested deeper than \(Self.maxDepth) levels")
                }
                throw HDF5Library.failure(path, nil, "listing the objects")
            }
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
            let declared = H5Sget_simple_extent_npoints(space)
            // Every value takes at least one byte of the attribute's storage: a larger count is a lie.
            guard declared >= 0, UInt64(declared) <= UInt64(H5Aget_storage_size(attr)) || declared == 0 else {
                throw FormatError.corrupt(path: path, detail: "\(where_) declares \(declared) values but stores \(H5Aget_storage_size(attr)) bytes")
            }
            let count = Int(declared)
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
            if let problem = globalHeapProblem {
                throw FormatError.corrupt(path: path, detail: "\(where_) is a variable-length string, and the file's global heap is malformed: \(problem) (libhdf5 crashes or hangs reading such a heap)")
            }
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
        let (total, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow, UInt64(total) <= UInt64(H5Aget_storage_size(attr)) else {
            throw FormatError.corrupt(path: path, detail: "\(where_) declares \(count) strings of \(size) bytes but stores \(H5Aget_storage_size(attr)) bytes")
        }
        var bytes = [UInt8](repeating: 0, count: max(1, total))
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
                guard let bytes = SizeCheck.byteCount(shape, dtype) else {
                    throw FormatError.tensor(path: path, tensor: datasetPath, detail: "shape \(shape) of \(dtype.rawValue) is too large (its size overflows)")
                }
                try checkStorage(ds, bytes: bytes, datasetPath)
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
        guard H5Pget_layout(dcpl) == H5D_CONTIGUOUS, H5Pget_nfilters(dcpl) == 0, H5Pget_external_count(dcpl) == 0 else { return nil }
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

    /// Largest expansion allowed from a filtered (compressed) dataset's stored bytes to its data:
    /// deflate's limit is about 1032:1, and weights compress far less.
    static let maxCompressionRatio = 1032
    /// Datasets this small are read whatever their storage says (allocating them is harmless).
    static let smallDataset = 16 << 20
    /// Longest external raw-storage file name accepted (Linux's PATH_MAX).
    static let maxExternalName = 4096

    /// Throws unless the dataset's storage can hold `bytes` of data, before anything is allocated:
    /// - external raw storage: every file named lies inside the HDF5 file's folder (absolute names
    ///   and `..` escapes are refused, as for ONNX external data) and holds its segment, and the
    ///   segments cover `bytes`;
    /// - unfiltered data (contiguous, compact or chunked): the storage libhdf5 reports
    ///   (`H5Dget_storage_size`) is at least `bytes` — a dataset declaring more than it stores
    ///   (unwritten chunks of a huge shape) is refused;
    /// - filtered (compressed) chunks: `bytes` is at most `maxCompressionRatio` times the storage,
    ///   and the storage lies within the file.
    /// Datasets of at most `smallDataset` bytes skip the storage comparison (not the external check).
    private func checkStorage(_ ds: hid_t, bytes: Int, _ name: String) throws {
        let dcpl = try HDF5Library.check(H5Dget_create_plist(ds), path, name, "reading the storage properties")
        defer { H5Pclose(dcpl) }
        func refuse(_ d: String) -> FormatError { .tensor(path: path, tensor: name, detail: d) }
        let externals = Int(H5Pget_external_count(dcpl))
        if externals > 0 {
            var covered = 0
            for i in 0..<externals {
                var buffer = [CChar](repeating: 0, count: Self.maxExternalName + 2)
                var offset: off_t = 0
                var size: hsize_t = 0
                try HDF5Library.check(H5Pget_external(dcpl, UInt32(i), buffer.count - 1, &buffer, &offset, &size), path, name, "reading external storage")
                // libhdf5 truncates silently: a name that fills the buffer may continue past what was checked.
                guard strlen(buffer) <= Self.maxExternalName else {
                    throw refuse("external storage name is longer than \(Self.maxExternalName) bytes")
                }
                let file = try externalFile(String(cString: buffer), name)
                let have = ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.uint64Value ?? 0
                let need = min(UInt64(size), UInt64(bytes - covered))
                guard offset >= 0, UInt64(offset) <= have, need <= have - UInt64(offset) else {
                    throw refuse("external storage '\(String(cString: buffer))' is \(have) bytes; the dataset needs \(need) from offset \(offset)")
                }
                covered += Int(need)
                if covered >= bytes { break }
            }
            guard covered >= bytes else { throw refuse("external storage holds \(covered) of the \(bytes) bytes the dataset declares") }
            return
        }
        guard bytes > Self.smallDataset else { return }
        let stored = H5Dget_storage_size(ds)
        if H5Pget_nfilters(dcpl) == 0 {
            guard stored >= UInt64(bytes) else {
                throw refuse("declares \(bytes) bytes but only \(stored) are stored in the file")
            }
        } else {
            let (bound, overflow) = Int(clamping: stored).multipliedReportingOverflow(by: Self.maxCompressionRatio)
            guard stored <= UInt64(mapped.size), overflow || bytes <= bound else {
                throw refuse("declares \(bytes) bytes from \(stored) compressed bytes (more than \(Self.maxCompressionRatio):1)")
            }
        }
    }

    /// The path of external raw-storage file `name`, which must stay inside the HDF5 file's folder.
    private func externalFile(_ name: String, _ dataset: String) throws -> String {
        guard !name.isEmpty, !name.hasPrefix("/") else {
            throw FormatError.tensor(path: path, tensor: dataset, detail: "external storage '\(name)' is an absolute path; it must be relative to the file")
        }
        let resolved = URL(fileURLWithPath: folder).appendingPathComponent(name).standardizedFileURL.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") else {
            throw FormatError.tensor(path: path, tensor: dataset, detail: "external storage '\(name)' escapes the file's folder \(folder)")
        }
        return resolved
    }

    private func withDataset<T>(_ name: String, _ body: (hid_t, DType, [Int], hid_t) throws -> T) throws -> T {
        // External raw storage is resolved against the file's folder, never the working directory.
        let dapl = try HDF5Library.check(H5Pcreate(vitopt_h5p_dataset_access()), path, name, "making an access property list")
        defer { H5Pclose(dapl) }
        try HDF5Library.check(H5Pset_efile_prefix(dapl, folder), path, name, "setting the external-file folder")
        let ds = try HDF5Library.check(H5Dopen2(file, name, dapl), path, name, "opening the dataset")
        defer { H5Dclose(ds) }
        let type = try HDF5Library.check(H5Dget_type(ds), path, name, "reading the type")
        defer { H5Tclose(type) }
        let space = try HDF5Library.check(H5Dget_space(ds), path, name, "reading the shape")
        defer { H5Sclose(space) }
        guard H5Sget_simple_extent_type(space) != H5S_NULL else {
            throw FormatError.tensor(path: path, tensor: name, detail: "the dataset has a null dataspace (no shape, no data)")
        }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard (0...32).contains(rank) else { throw FormatError.tensor(path: path, tensor: name, detail: "the dataset has rank \(rank)") }
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        if rank > 0 { H5Sget_simple_extent_dims(space, &dims, nil) }
        guard dims.allSatisfy({ $0 <= hsize_t(Int.max) }) else {
            throw FormatError.tensor(path: path, tensor: name, detail: "dimensions \(dims) do not fit a 64-bit signed size")
        }
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
