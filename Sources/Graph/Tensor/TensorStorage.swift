#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes behind one or more tensors.
///
/// Either memory vitopt allocated (64-byte aligned, zero-filled, freed with the storage) or a view
/// into memory somebody else owns — typically a memory-mapped checkpoint — kept alive by holding
/// `owner`. Views are read-only by contract: kernels write only into storage they allocated.
public final class TensorStorage: @unchecked Sendable {
    /// First byte of the region.
    public let base: UnsafeMutableRawPointer
    /// Length of the region in bytes.
    public let byteCount: Int
    /// Whether this storage allocated `base` (and so may be written and must free it).
    public let isOwned: Bool
    private let owner: AnyObject?

    /// Allocations at least this large are 2 MB aligned and offered transparent huge pages.
    static let hugePageThreshold = 4 << 20
    static let hugePageSize = 2 << 20

    /// Allocates `byteCount` zeroed bytes, 64-byte aligned (`zeroed: false` skips the fill, for
    /// kernels that write every byte of their output), for a size derived from untrusted input.
    ///
    /// Requests of `MemoryBudget.checkThreshold` bytes or more are first compared with
    /// `MemoryBudget.available()`, so a request that cannot fit fails here rather than in the OOM killer.
    /// - Parameters:
    ///   - byteCount: bytes to allocate (0 allocates one byte).
    ///   - what: what the memory is for, for the error message (`"output of node 'blocks.0.mlp'"`).
    /// - Throws: `TensorError.invalidSize` for a negative count, `TensorError.outOfMemory` when the
    ///   budget or the allocator refuses.
    public init(allocating byteCount: Int, for what: @autoclosure () -> String, zeroed: Bool = true) throws {
        guard byteCount >= 0 else { throw TensorError.invalidSize(what: what(), shape: [byteCount], elementBytes: 1) }
        try MemoryBudget.check(bytes: byteCount, for: what())
        guard let raw = Self.allocate(byteCount, zeroed: zeroed) else {
            throw TensorError.outOfMemory(what: what(), bytes: byteCount, available: MemoryBudget.available())
        }
        self.base = raw
        self.byteCount = byteCount
        self.isOwned = true
        self.owner = nil
    }

    /// Allocates `byteCount` zeroed bytes, 64-byte aligned (`zeroed: false` skips the fill).
    ///
    /// Only for sizes vitopt derived from memory it already holds (a copy or conversion of an existing
    /// tensor) or from small internal constants: allocation failure stops the process. Sizes that come
    /// from a file, an option or a shape computation use `init(allocating:for:zeroed:)`.
    public init(byteCount: Int, zeroed: Bool = true) {
        guard byteCount >= 0, let raw = Self.allocate(byteCount, zeroed: zeroed) else {
            fatalError("vitopt: out of memory allocating \(byteCount) bytes")
        }
        self.base = raw
        self.byteCount = byteCount
        self.isOwned = true
        self.owner = nil
    }

    /// `max(byteCount, 1)` bytes, 64-byte aligned (2 MB and offered huge pages from `hugePageThreshold`),
    /// or `nil` when the allocator fails.
    private static func allocate(_ byteCount: Int, zeroed: Bool) -> UnsafeMutableRawPointer? {
        let size = max(byteCount, 1)
        var raw: UnsafeMutableRawPointer?
        let huge = size >= Self.hugePageThreshold
        guard posix_memalign(&raw, huge ? Self.hugePageSize : 64, size) == 0, let raw else { return nil }
        #if os(Linux)
        // Packed weights are streamed once per forward pass; on 2 MB pages that stream needs ~500×
        // fewer TLB entries (measured ~1% on ViT-B/16 where transparent huge pages are `madvise`).
        if huge { _ = madvise(raw, size, MADV_HUGEPAGE) }
        #endif
        if zeroed { memset(raw, 0, size) }
        return raw
    }

    /// Wraps memory owned by `owner` without copying.
    public init(viewing base: UnsafeRawPointer, byteCount: Int, owner: AnyObject?) {
        self.base = UnsafeMutableRawPointer(mutating: base)
        self.byteCount = byteCount
        self.isOwned = false
        self.owner = owner
    }

    deinit {
        if isOwned { free(base) }
    }
}
