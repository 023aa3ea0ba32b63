import Graph

/// A PyTorch checkpoint written by `torch.save` (the zip format of PyTorch 1.6 and later), read
/// without Python and without running any of its pickle.
///
/// The archive's `data.pkl` is read by `RestrictedUnpickler`; tensors become views of the mapped
/// archive when they are contiguous and aligned (PyTorch aligns each storage to 64 bytes), otherwise
/// copies gathered through their strides. Every tensor's extent is checked against its storage, and
/// every storage against its archive member, before any byte is read. The state dict is the top-level
/// dictionary of tensors, or the first of `nestedKeys` that holds one (training checkpoints), with a
/// shared `module.` prefix (DistributedDataParallel) removed. Non-tensor entries are skipped and
/// reported in `skipped`.
public struct TorchCheckpoint: Sendable {
    public let path: String
    public let tensors: [String: Tensor]
    /// Tensor names in the order the state dict lists them.
    public let names: [String]
    /// What was done to find the state dict ("the 'model' entry", "removed the 'module.' prefix").
    public let notes: [String]
    public let fileSize: Int

    /// Entries of a training checkpoint that hold the model's state dict, in order of preference.
    public static let nestedKeys = ["state_dict", "model", "model_state_dict", "model_state", "module", "net", "network"]

    /// Whether `bytes` begin like a checkpoint `torch.save` wrote: a ZIP archive, or the legacy
    /// pickle-first format (which `init` refuses by name).
    public static func sniff(_ bytes: [UInt8]) -> Bool { ZipDirectory.sniff(bytes) || isLegacy(bytes) }

    /// The legacy format starts with a pickled magic number: protocol 2, then LONG1 of 10 bytes.
    static func isLegacy(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20]) }

    /// Opens and validates `path`.
    /// - Throws: `FormatError` naming the file and the member, global or tensor at fault.
    public init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    /// Validates `bytes`, the contents of a checkpoint called `name` (the name errors show); tensors view a copy.
    public init(bytes: [UInt8], name: String) throws {
        try self.init(file: MappedFile(copying: bytes, name: name))
    }

    /// Validates the contents of `file`.
    public init(file: MappedFile) throws {
        let path = file.path
        self.path = path
        self.fileSize = file.size
        let head = file.prefix(16)
        if Self.isLegacy(head) {
            throw FormatError.unsupported(path: path, detail: "this is a legacy (pre-1.6, non-zip) torch.save file; load it in PyTorch and save it again with torch.save (the zip format is the default since 1.6)")
        }
        guard ZipDirectory.sniff(head) else { throw FormatError.notRecognized(path: path, detail: "not a ZIP archive written by torch.save") }
        let archive = try ZipDirectory(path: path, bytes: file.bytes)
        guard let pickleName = archive.members.map(\.name).first(where: { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }) else {
            throw FormatError.notRecognized(path: path, detail: "a ZIP archive without data.pkl: not a torch.save checkpoint")
        }
        let root = String(pickleName.dropLast("data.pkl".count))
        let unpickler = RestrictedUnpickler(path: path, member: pickleName)
        guard let pickle = try archive.data(pickleName, in: file.bytes) else { throw FormatError.corrupt(path: path, detail: "data.pkl vanished") }
        let value = try unpickler.load(pickle)
        let (dict, where_) = try Self.stateDict(in: value, path: path)
        var notes: [String] = where_.map { ["the state dict is the checkpoint's '\($0)' entry"] } ?? []

        var tensors: [String: Tensor] = [:]
        var names: [String] = []
        var skipped: [String] = []
        for name in dict.keys {
            guard case .tensor(let ref)? = dict[name] else { skipped.append(name); continue }
            tensors[name] = try Self.materialise(ref, name: name, root: root, archive: archive, file: file)
            names.append(name)
        }
        if !skipped.isEmpty {
            notes.append("\(skipped.count) non-tensor entr\(skipped.count == 1 ? "y" : "ies") skipped: \(skipped.prefix(5).joined(separator: ", "))\(skipped.count > 5 ? ", …" : "")")
        }
        let ddp = "module."
        if !names.isEmpty, names.allSatisfy({ $0.hasPrefix(ddp) }) {
            let stripped = names.map { String($0.dropFirst(ddp.count)) }
            tensors = Dictionary(uniqueKeysWithValues: zip(names, stripped).map { ($1, tensors[$0]!) })
            names = stripped
            notes.append("removed the 'module.' prefix (a DistributedDataParallel state dict)")
        }
        self.tensors = tensors
        self.names = names
        self.notes = notes
    }

    /// The dictionary of tensors in `value`, and the entry it came from when nested.
    private static func stateDict(in value: PickleValue, path: String) throws -> (PickleDict, String?) {
        guard case .dict(let top) = value else {
            throw FormatError.unsupported(path: path, detail: "the checkpoint holds a \(value.kind), not a state dict (a dict of tensors)")
        }
        func tensorCount(_ d: PickleDict) -> Int { d.keys.reduce(0) { n, k in if case .tensor? = d[k] { return n + 1 }; return n } }
        if tensorCount(top) > 0 { return (top, nil) }
        for key in nestedKeys {
            if case .dict(let inner)? = top[key], tensorCount(inner) > 0 { return (inner, key) }
        }
        for key in top.keys {
            if case .dict(let inner)? = top[key], tensorCount(inner) > 0 { return (inner, key) }
        }
        throw FormatError.unsupported(path: path, detail: "no dict of tensors found; top-level entries: \(top.keys.prefix(8).joined(separator: ", "))")
    }

    /// The tensor `ref` describes, after checking it lies inside its storage and the storage inside its member.
    private static func materialise(_ ref: TorchTensorRef, name: String, root: String, archive: ZipDirectory,
                                    file: MappedFile) throws -> Tensor {
        func bad(_ d: String) -> FormatError { .tensor(path: file.path, tensor: name, detail: d) }
        let storage = ref.storage
        guard let data = try archive.data("\(root)data/\(storage.key)", in: file.bytes) else {
            throw bad("its storage '\(storage.key)' is not in the archive")
        }
        let elem = storage.dtype.byteSize
        let (storageBytes, o1) = storage.count.multipliedReportingOverflow(by: elem)
        guard !o1, storageBytes <= data.count else {
            throw bad("storage '\(storage.key)' declares \(storage.count) elements but its member holds \(data.count) bytes")
        }
        guard ref.offset >= 0, ref.shape.allSatisfy({ $0 >= 0 }), ref.strides.allSatisfy({ $0 >= 0 }) else {
            throw bad("negative offset, size or stride (offset \(ref.offset), size \(ref.shape), stride \(ref.strides))")
        }
        // Elements reached: offset + Σ (size−1)·stride, overflow-checked; an empty tensor reaches none.
        var count = 1, last = ref.offset
        for (d, s) in zip(ref.shape, ref.strides) {
            let (c, o2) = count.multipliedReportingOverflow(by: d)
            guard !o2 else { throw bad("size \(ref.shape) overflows") }
            count = c
            guard d > 0 else { continue }
            let (step, o3) = (d - 1).multipliedReportingOverflow(by: s)
            let (l, o4) = last.addingReportingOverflow(step)
            guard !o3, !o4 else { throw bad("stride \(ref.strides) overflows") }
            last = l
        }
        guard count == 0 || last < storage.count else {
            throw bad("size \(ref.shape), stride \(ref.strides) at offset \(ref.offset) reach element \(last) of a \(storage.count)-element storage")
        }
        if count == 0 { return Tensor(zeros: storage.dtype, shape: ref.shape) }
        guard count <= storage.count else {
            throw bad("size \(ref.shape) with stride \(ref.strides) repeats elements (\(count) from a \(storage.count)-element storage); save the tensor with .contiguous()")
        }
        let contiguous = count <= 1 || Self.contiguousStrides(ref.shape) == ref.strides
        if contiguous {
            let view = TensorStorage(viewing: data.baseAddress! + ref.offset * elem, byteCount: count * elem, owner: file)
            return Tensor(dtype: storage.dtype, shape: ref.shape, storage: view)
        }
        // A strided view (a transposed or sliced tensor saved as is): gather it in row-major order.
        let out = Tensor(zeros: storage.dtype, shape: ref.shape)
        let src = data.baseAddress!, dst = out.mutableRawPointer
        var index = [Int](repeating: 0, count: ref.shape.count)
        for i in 0..<count {
            var at = ref.offset
            for (j, s) in ref.strides.enumerated() { at += index[j] * s }
            (dst + i * elem).copyMemory(from: src + at * elem, byteCount: elem)
            var j = index.count - 1
            while j >= 0 {
                index[j] += 1
                if index[j] < ref.shape[j] { break }
                index[j] = 0
                j -= 1
            }
        }
        return out
    }

    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for i in shape.indices.reversed() {
            strides[i] = running
            running *= max(shape[i], 1)
        }
        return strides
    }
}
