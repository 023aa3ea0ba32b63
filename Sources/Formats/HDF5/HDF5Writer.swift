import Foundation
import Graph
internal import CHDF5

/// Writes an HDF5 file through libhdf5, atomically: libhdf5 writes a temporary sibling (made by
/// `AtomicFileWriter`), which `commit()` closes, fsyncs and renames into place. A writer dropped
/// without `commit()` leaves nothing behind.
///
/// Failures (a full disk, a write error) are `FormatError`s naming the file and, while a dataset is
/// written, the dataset, with the system's reason; libhdf5 prints nothing (see `HDF5Library`).
///
/// Datasets are contiguous and unfiltered (what h5py and Keras write by default), so a reader can
/// map them; each is written straight from its tensor's bytes (see `HDF5TypeMap` for the types).
public final class HDF5Writer {
    public let path: String
    private let output: AtomicFileWriter
    private var file: hid_t
    private let linkCreate: hid_t

    /// Creates the temporary file for `path`.
    public init(path: String) throws {
        self.path = path
        let output = try AtomicFileWriter(path: path)
        self.output = output
        (file, linkCreate) = try HDF5Library.locked {
            let f = try HDF5Library.check(H5Fcreate(output.tempPath, vitopt_h5f_acc_trunc(), vitopt_h5p_default(), vitopt_h5p_default()),
                                          path, nil, "creating the file")
            let lcpl = H5Pcreate(vitopt_h5p_link_create())
            guard lcpl >= 0, H5Pset_create_intermediate_group(lcpl, 1) >= 0 else {
                H5Fclose(f)
                throw HDF5Library.failure(path, nil, "making a link-creation property list")
            }
            return (f, lcpl)
        }
    }

    deinit {
        HDF5Library.locked {
            H5Pclose(linkCreate)
            if file >= 0 { H5Fclose(file) }
        }
    }

    /// Creates the group `groupPath` (and its parents) unless it exists.
    public func group(_ groupPath: String) throws {
        try HDF5Library.locked {
            if H5Lexists(file, groupPath, vitopt_h5p_default()) > 0 { return }
            _ = HDF5Library.errorStack()
            let g = try HDF5Library.check(H5Gcreate2(file, groupPath, linkCreate, vitopt_h5p_default(), vitopt_h5p_default()), path, groupPath, "creating the group")
            H5Gclose(g)
        }
    }

    /// Writes `tensor` as the dataset `datasetPath` (parent groups are created), bit for bit.
    public func dataset(_ datasetPath: String, _ tensor: Tensor) throws {
        try HDF5Library.locked {
            let (type, owned, marker) = HDF5TypeMap.fileType(for: tensor.dtype)
            defer { if owned { H5Tclose(type) } }
            try HDF5Library.check(type, path, datasetPath, "making the \(tensor.dtype.rawValue) type")
            let dims = tensor.shape.map { hsize_t($0) }
            let space = try HDF5Library.check(dims.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(dims.count), dims, nil),
                                              path, datasetPath, "making the dataspace")
            defer { H5Sclose(space) }
            let ds = try HDF5Library.check(H5Dcreate2(file, datasetPath, type, space, linkCreate, vitopt_h5p_default(), vitopt_h5p_default()),
                                           path, datasetPath, "creating the dataset")
            defer { H5Dclose(ds) }
            if tensor.count > 0 {
                try HDF5Library.check(H5Dwrite(ds, type, vitopt_h5s_all(), vitopt_h5s_all(), vitopt_h5p_default(), tensor.rawPointer),
                                      path, datasetPath, "writing the data")
            }
            if let marker { try setAttribute(HDF5TypeMap.dtypeAttribute, .string(marker), on: ds, datasetPath) }
        }
    }

    /// Sets attribute `name` on the object at `objectPath` (`"/"` for the root), replacing any.
    public func attribute(_ name: String, _ value: HDF5Attribute, on objectPath: String = "/") throws {
        try HDF5Library.locked {
            let obj = try HDF5Library.check(H5Oopen(file, objectPath, vitopt_h5p_default()), path, objectPath, "opening")
            defer { H5Oclose(obj) }
            try setAttribute(name, value, on: obj, objectPath)
        }
    }

    private func setAttribute(_ name: String, _ value: HDF5Attribute, on obj: hid_t, _ objectPath: String) throws {
        let where_ = "\(objectPath) attribute '\(name)'"
        if H5Aexists(obj, name) > 0 { H5Adelete(obj, name) }
        _ = HDF5Library.errorStack()
        let count: Int
        switch value.value {
        case .strings(let s): count = s.count
        case .integers(let v): count = v.count
        case .floats(let v): count = v.count
        }
        precondition(!value.isScalar || count == 1, "a scalar attribute holds one value")
        var dims = [hsize_t(count)]
        let space = try HDF5Library.check(value.isScalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dims, nil), path, where_, "making the dataspace")
        defer { H5Sclose(space) }
        func create(_ type: hid_t) throws -> hid_t {
            try HDF5Library.check(H5Acreate2(obj, name, type, space, vitopt_h5p_default(), vitopt_h5p_default()), path, where_, "creating")
        }
        switch value.value {
        case .integers(let v):
            let a = try create(vitopt_h5t_std_i64le())
            defer { H5Aclose(a) }
            try HDF5Library.check(H5Awrite(a, vitopt_h5t_native_int64(), v), path, where_, "writing")
        case .floats(let v):
            let a = try create(vitopt_h5t_ieee_f64le())
            defer { H5Aclose(a) }
            try HDF5Library.check(H5Awrite(a, vitopt_h5t_native_double(), v), path, where_, "writing")
        case .strings(let strings):
            let type = try HDF5Library.check(H5Tcopy(vitopt_h5t_c_s1()), path, where_, "making a string type")
            defer { H5Tclose(type) }
            switch value.storage {
            case .variable:
                H5Tset_size(type, vitopt_h5t_variable())
                H5Tset_cset(type, strings.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } } ? H5T_CSET_ASCII : H5T_CSET_UTF8)
                let a = try create(type)
                defer { H5Aclose(a) }
                let cstrings = strings.map { strdup($0) }
                defer { cstrings.forEach { free($0) } }
                try HDF5Library.check(H5Awrite(a, type, cstrings), path, where_, "writing")
            case .fixed:
                let width = max(1, strings.map(\.utf8.count).max() ?? 1)
                H5Tset_size(type, width)
                H5Tset_strpad(type, H5T_STR_NULLPAD)
                var bytes = [UInt8](repeating: 0, count: width * strings.count)
                for (i, s) in strings.enumerated() { for (j, b) in s.utf8.enumerated() { bytes[i * width + j] = b } }
                let a = try create(type)
                defer { H5Aclose(a) }
                try HDF5Library.check(H5Awrite(a, type, bytes), path, where_, "writing")
            }
        }
    }

    /// Closes the file and moves it into place.
    /// - Returns: the file's size in bytes.
    @discardableResult
    public func commit() throws -> Int {
        try HDF5Library.locked {
            let status = H5Fclose(file)
            file = -1
            // Data is flushed at close, so a full disk usually shows here: an I/O error, not a corrupt input.
            if status < 0 { throw FormatError.io(path: path, detail: "writing the file failed (libhdf5: \(HDF5Library.errorStack()))") }
        }
        // Measured before the rename: inside an AtomicFileSet the file reaches `path` only at the set's commit.
        let size = ((try? FileManager.default.attributesOfItem(atPath: output.tempPath))?[.size] as? NSNumber)?.intValue ?? 0
        try output.commit()
        return size
    }
}
