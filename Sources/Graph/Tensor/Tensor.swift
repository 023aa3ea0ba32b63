/// A dense, row-major tensor: a dtype, a shape and a window onto a `TensorStorage`.
///
/// Tensors are values: copying one shares its storage. Slicing and reshaping are zero-copy.
/// Weights loaded from a checkpoint are views of the memory-mapped file.
public struct Tensor: @unchecked Sendable {
    public let dtype: DType
    public let shape: [Int]
    public let storage: TensorStorage
    /// Offset of the first element inside `storage`, in bytes.
    public let byteOffset: Int

    /// Number of elements (1 for a scalar).
    public var count: Int { shape.reduce(1, *) }
    /// Number of bytes the elements occupy.
    public var byteCount: Int { count * dtype.byteSize }
    /// The rank (number of dimensions).
    public var rank: Int { shape.count }

    /// Wraps existing storage. `byteOffset + count·byteSize` must lie inside `storage` (a programming
    /// error otherwise; for windows computed from a file use `init(dtype:shape:storage:byteOffset:for:)`).
    public init(dtype: DType, shape: [Int], storage: TensorStorage, byteOffset: Int = 0) {
        precondition(Self.fits(dtype: dtype, shape: shape, storage: storage, byteOffset: byteOffset),
                     "tensor window \(shape) at byte \(byteOffset) outside its storage of \(storage.byteCount) bytes")
        self.dtype = dtype
        self.shape = shape
        self.storage = storage
        self.byteOffset = byteOffset
    }

    /// Wraps existing storage, checking the window (dimensions, overflow, bounds) first.
    /// - Throws: `TensorError.invalidSize` or `.outsideStorage`, naming `what`.
    public init(dtype: DType, shape: [Int], storage: TensorStorage, byteOffset: Int, for what: @autoclosure () -> String) throws {
        guard Self.byteCount(dtype: dtype, shape: shape) != nil else {
            throw TensorError.invalidSize(what: what(), shape: shape, elementBytes: dtype.byteSize)
        }
        guard Self.fits(dtype: dtype, shape: shape, storage: storage, byteOffset: byteOffset) else {
            throw TensorError.outsideStorage(what: what(), shape: shape, byteOffset: byteOffset, storageBytes: storage.byteCount)
        }
        self.init(dtype: dtype, shape: shape, storage: storage, byteOffset: byteOffset)
    }

    /// A new zero-filled tensor, for a shape vitopt derived from memory it already holds (see
    /// `TensorStorage.init(byteCount:zeroed:)`); shapes from files, options or shape arithmetic use
    /// `init(zeros:shape:for:)`.
    public init(zeros dtype: DType, shape: [Int]) {
        guard let bytes = Self.byteCount(dtype: dtype, shape: shape) else { fatalError("vitopt: tensor shape \(shape) has no size") }
        self.init(dtype: dtype, shape: shape, storage: TensorStorage(byteCount: bytes))
    }

    /// A new tensor whose bytes are not initialised: only for kernels that write every element.
    public init(uninitialized dtype: DType, shape: [Int]) {
        guard let bytes = Self.byteCount(dtype: dtype, shape: shape) else { fatalError("vitopt: tensor shape \(shape) has no size") }
        self.init(dtype: dtype, shape: shape, storage: TensorStorage(byteCount: bytes, zeroed: false))
    }

    /// A new zero-filled tensor whose shape may come from untrusted input: the size is
    /// overflow-checked and the allocation checked against the memory budget.
    /// - Parameter what: what the tensor is, for the error (`"output of node 'head'"`).
    /// - Throws: `TensorError.invalidSize` (negative or overflowing shape) or `.outOfMemory`.
    public init(zeros dtype: DType, shape: [Int], for what: @autoclosure () -> String) throws {
        try self.init(dtype: dtype, shape: shape, zeroed: true, for: what)
    }

    /// `init(zeros:shape:for:)` without the zero fill: only for kernels that write every element.
    public init(uninitialized dtype: DType, shape: [Int], for what: @autoclosure () -> String) throws {
        try self.init(dtype: dtype, shape: shape, zeroed: false, for: what)
    }

    private init(dtype: DType, shape: [Int], zeroed: Bool, for what: () -> String) throws {
        guard let bytes = Self.byteCount(dtype: dtype, shape: shape) else {
            throw TensorError.invalidSize(what: what(), shape: shape, elementBytes: dtype.byteSize)
        }
        self.init(dtype: dtype, shape: shape, storage: try TensorStorage(allocating: bytes, for: what(), zeroed: zeroed))
    }

    /// The number of elements of `shape`, or `nil` when a dimension is negative or the product overflows.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            n = p
        }
        return n
    }

    /// The bytes `shape` elements of `dtype` occupy, or `nil` when that is not representable.
    public static func byteCount(dtype: DType, shape: [Int]) -> Int? {
        guard let n = elementCount(shape) else { return nil }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: dtype.byteSize)
        return overflow ? nil : bytes
    }

    /// Whether a window of `shape` at `byteOffset` has a size and lies inside `storage`.
    static func fits(dtype: DType, shape: [Int], storage: TensorStorage, byteOffset: Int) -> Bool {
        guard let bytes = byteCount(dtype: dtype, shape: shape), byteOffset >= 0 else { return false }
        return bytes <= storage.byteCount && byteOffset <= storage.byteCount - bytes
    }

    /// A new F32 tensor holding `values` (whose count must match `shape`).
    public init(shape: [Int], floats values: [Float]) {
        precondition(Self.elementCount(shape) == values.count, "\(values.count) values for shape \(shape)")
        self.init(zeros: .f32, shape: shape)
        values.withUnsafeBytes { src in
            if let s = src.baseAddress { mutableRawPointer.copyMemory(from: s, byteCount: src.count) }
        }
    }

    /// A new tensor of `dtype` holding a copy of `bytes` (whose length must match).
    public init(dtype: DType, shape: [Int], bytes: UnsafeRawBufferPointer) {
        precondition(Self.byteCount(dtype: dtype, shape: shape) == bytes.count, "byte count does not match shape")
        self.init(zeros: dtype, shape: shape)
        if let s = bytes.baseAddress, bytes.count > 0 { mutableRawPointer.copyMemory(from: s, byteCount: bytes.count) }
    }

    // Escaping pointers (package access only; everything else uses `Tensor+ScopedAccess.swift`).
    //
    // Lifetime rule: a pointer below is valid only while a tensor sharing `storage` is alive and
    // used after the pointer's last use. Never take one from a temporary — `t.asF32().floats`
    // points into a copy that is freed at the end of the statement (this wrote garbage int8 scales
    // from unaligned ONNX initializers). Kernels use them on inputs the executor holds and on the
    // outputs they return; `scripts/check-tensor-lifetimes.sh` rejects `).floats`-style uses.

    /// Read-only pointer to the first element (see the lifetime rule above).
    package var rawPointer: UnsafeRawPointer { UnsafeRawPointer(storage.base + byteOffset) }

    /// Writable pointer to the first element. Only valid for storage vitopt allocated.
    package var mutableRawPointer: UnsafeMutableRawPointer {
        precondition(storage.isOwned, "attempt to write into a read-only tensor view")
        return storage.base + byteOffset
    }

    /// The elements' bytes (see the lifetime rule above; public code uses `withUnsafeBytes`).
    package var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: rawPointer, count: byteCount) }

    /// Whether the first element is aligned for its type.
    public var isAligned: Bool { Int(bitPattern: rawPointer) % dtype.byteSize == 0 }

    /// Pointer to F32 elements. Requires `dtype == .f32` and natural alignment (public code uses
    /// `withFloats`, which converts and keeps the copy alive).
    package var floats: UnsafePointer<Float> {
        precondition(dtype == .f32 && isAligned, "floats needs an aligned F32 tensor, have \(dtype)")
        return rawPointer.assumingMemoryBound(to: Float.self)
    }

    /// Writable F32 pointer; the tensor must be F32 and own its storage.
    package var mutableFloats: UnsafeMutablePointer<Float> {
        precondition(dtype == .f32, "mutableFloats needs an F32 tensor, have \(dtype)")
        return mutableRawPointer.assumingMemoryBound(to: Float.self)
    }

    /// The same elements under another shape with the same element count (zero-copy).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(Self.elementCount(newShape) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(dtype: dtype, shape: newShape, storage: storage, byteOffset: byteOffset)
    }

    /// Rows `range` of the first axis (zero-copy).
    public func slice(rows range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0], "row slice out of range")
        let rowBytes = shape.dropFirst().reduce(1, *) * dtype.byteSize
        var s = shape
        s[0] = range.count
        return Tensor(dtype: dtype, shape: s, storage: storage, byteOffset: byteOffset + range.lowerBound * rowBytes)
    }

    /// Whether dtype, shape and every byte are identical.
    public func bitwiseEqual(_ other: Tensor) -> Bool {
        guard dtype == other.dtype, shape == other.shape else { return false }
        return memcmp(rawPointer, other.rawPointer, byteCount) == 0
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
