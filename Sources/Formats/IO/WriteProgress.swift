/// Progress of a model being written, tensor by tensor, for a command that wants to show it.
///
/// The writers (safetensors, sharded safetensors, HDF5, ONNX) call `tensorWritten(bytes:)` after
/// each tensor's data; a command binds an observer around the save with `observing(_:_:)`. With no
/// observer bound (the default, and in library use) the calls do nothing.
public final class WriteProgress: @unchecked Sendable {
    @TaskLocal static var current: WriteProgress?

    private let handler: (Int) -> Void
    private var bytes = 0

    private init(_ handler: @escaping (Int) -> Void) { self.handler = handler }

    /// Runs `body`; every tensor written inside calls `handler` with the tensor bytes written so far
    /// (on the writing thread).
    public static func observing<T>(_ handler: @escaping (_ bytesWritten: Int) -> Void, _ body: () throws -> T) rethrows -> T {
        try $current.withValue(WriteProgress(handler)) { try body() }
    }

    /// Called by the writers after each tensor.
    static func tensorWritten(bytes: Int) {
        guard let p = current else { return }
        p.bytes += bytes
        p.handler(p.bytes)
    }
}
