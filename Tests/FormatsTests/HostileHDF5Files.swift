import Foundation
import CHDF5
@testable import Formats
import Graph
import TestSupport

/// Builds tiny hostile HDF5 files with libhdf5 directly (what vitopt's writer never produces:
/// chunked and filtered datasets with absurd declared shapes, external raw storage, deep nesting).
enum HostileHDF5Files {
    /// A fresh file in a scratch folder; `body` gets the open file id. Returns the file's path.
    static func make(_ name: String = "model.h5", directory: String? = nil, _ body: (hid_t) throws -> Void) throws -> String {
        let dir = directory ?? Fixtures.scratch("hdf5-hostile")
        let path = dir + "/" + name
        try HDF5Library.locked {
            let f = H5Fcreate(path, vitopt_h5f_acc_trunc(), vitopt_h5p_default(), vitopt_h5p_default())
            guard f >= 0 else { throw HDF5Library.failure(path, nil, "creating") }
            defer { H5Fclose(f) }
            try body(f)
        }
        return path
    }

    /// A float32 dataset `name` declaring `dims`, with `dcpl` (chunking, filters, external storage),
    /// writing `values` into its first elements when given.
    static func dataset(_ f: hid_t, _ name: String, dims: [UInt64], dcpl: hid_t, values: [Float]? = nil) throws {
        var d = dims.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(d.count), &d, nil)
        defer { H5Sclose(space) }
        let ds = H5Dcreate2(f, name, vitopt_h5t_ieee_f32le(), space, vitopt_h5p_default(), dcpl, vitopt_h5p_default())
        guard ds >= 0 else { throw HDF5Library.failure("<test>", name, "creating") }
        defer { H5Dclose(ds) }
        guard let v = values else { return }
        var count = [hsize_t(v.count)] + [hsize_t](repeating: 1, count: d.count - 1)
        var start = [hsize_t](repeating: 0, count: d.count)
        H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, nil, &count, nil)
        let mem = H5Screate_simple(Int32(d.count), &count, nil)
        defer { H5Sclose(mem) }
        guard H5Dwrite(ds, vitopt_h5t_ieee_f32le(), mem, space, vitopt_h5p_default(), v) >= 0 else {
            throw HDF5Library.failure("<test>", name, "writing")
        }
    }

    /// A dataset-creation property list; the caller closes it.
    static func dcpl() -> hid_t { H5Pcreate(vitopt_h5p_dataset_create()) }
}
