extension Tensor {
    // Scoped access to a tensor's memory: the only pointer API outside the Graph module.
    //
    // Each method keeps the storage it hands out alive for exactly the duration of `body`, so a
    // pointer obtained from a temporary (`t.asF32()`, `t.copy()`, a kernel result) cannot outlive
    // its bytes. The pointers must not escape `body`.

    /// Calls `body` with the elements' bytes (`byteCount` bytes, row-major, possibly unaligned).
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(UnsafeRawBufferPointer(start: storage.base + byteOffset, count: byteCount))
        }
    }

    /// Calls `body` with the elements' bytes, writable. The tensor must own its storage (tensors
    /// vitopt allocated; views of memory-mapped files are read-only by contract — a programming
    /// error traps).
    public func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        precondition(storage.isOwned, "attempt to write into a read-only tensor view")
        return try withExtendedLifetime(storage) {
            try body(UnsafeMutableRawBufferPointer(start: storage.base + byteOffset, count: byteCount))
        }
    }

    /// Calls `body` with the elements as `Float`s, `count` of them.
    ///
    /// An aligned F32 tensor is passed without copying. Any other tensor (another dtype, or an F32
    /// view at an unaligned offset, as ONNX initializers are) is converted first as by `asF32()`,
    /// bit-exact for F32 and with its rounding contract otherwise, and the converted copy is kept
    /// alive until `body` returns.
    public func withFloats<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let t = asF32()
        return try withExtendedLifetime(t.storage) {
            try body(UnsafeBufferPointer(start: (t.storage.base + t.byteOffset).assumingMemoryBound(to: Float.self),
                                         count: t.count))
        }
    }

    /// Calls `body` with the F32 elements, writable in place. The tensor must be an aligned F32
    /// tensor that owns its storage (a programming error traps).
    public func withMutableFloats<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        precondition(dtype == .f32 && isAligned, "withMutableFloats needs an aligned F32 tensor, have \(dtype)")
        return try withUnsafeMutableBytes { raw in
            try body(UnsafeMutableBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: Float.self), count: count))
        }
    }

    /// Calls `body` with the elements typed as `T`, which must be an aligned type of the tensor's
    /// element size (`Int8` for I8, `UInt8` for U8/BOOL, `Int32` for I32, …); a mismatch is a
    /// programming error and traps.
    public func withElements<T, R>(as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R {
        precondition(MemoryLayout<T>.stride == dtype.byteSize && isAligned,
                     "withElements(as: \(T.self)) does not fit an aligned \(dtype) tensor")
        return try withUnsafeBytes { raw in
            try body(UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: T.self), count: count))
        }
    }

    /// Calls `body` with the elements typed as `T`, writable in place (see `withElements(as:_:)`);
    /// the tensor must own its storage.
    public func withMutableElements<T, R>(as type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R) rethrows -> R {
        precondition(MemoryLayout<T>.stride == dtype.byteSize && isAligned,
                     "withMutableElements(as: \(T.self)) does not fit an aligned \(dtype) tensor")
        return try withUnsafeMutableBytes { raw in
            try body(UnsafeMutableBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: T.self), count: count))
        }
    }
}
