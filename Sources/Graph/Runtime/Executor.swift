import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Runs a `ModelGraph` on concrete inputs, node by node in topological order.
///
/// Float initializers are converted to F32 once, at construction (zero-copy for aligned F32
/// weights); integer initializers are passed to kernels as stored. Intermediate values are
/// released right after their last consumer runs, so peak memory is the live set, not the sum.
public final class Executor {
    public let graph: ModelGraph
    public let registry: OpRegistry
    public let context: ExecutionContext
    private let order: [(node: Node, kernel: any OpKernel)]
    private let weights: [String: Tensor]
    /// For each step, the values whose last use is that step.
    private let releaseAfter: [[String]]
    /// Wall time per op kind across runs, in seconds, when `profiling` is on.
    public private(set) var profile: [String: Double] = [:]
    /// Accumulate `profile` (adds a clock read around every node).
    public var profiling = false

    /// The bf16 kernel path the Linear layers run on, `nil` when they run in fp32 (`Precision.fp32`, or
    /// bf16 asked for on a CPU without bf16 hardware and no `VITOPT_BF16_KERNEL` forcing a path).
    public let bf16Path: BF16GEMM.Path?

    /// Validates `graph` and prepares it to run with `threads` threads. Linear layers with constant
    /// weights are repacked for vitopt's fp32 GEMM (`PackLinearWeightsPass`) — or, with `precision`
    /// `.bf16`, rounded to bf16 and packed for `BF16GEMM` — and a GELU or residual add after them moves
    /// into the GEMM's epilogue (`LinearEpilogueFusion`), on a private copy; `graph` itself is kept as
    /// given. `fuseEpilogues: false` keeps those ops separate (for tests).
    /// - Throws: `GraphError` for an invalid graph or an unusable `VITOPT_BF16_KERNEL`.
    public init(graph original: ModelGraph, registry: OpRegistry = .standard, threads: Int, fuseEpilogues: Bool = true,
                precision: Precision = .fp32) throws {
        try original.validate(registry: registry)
        for info in original.inputs {
            let dims = info.shape.map { $0.value ?? 1 }
            guard Tensor.byteCount(dtype: .f32, shape: dims) != nil else {
                throw GraphError.badInput(name: info.name, detail: "declared shape \(info.shape.shapeDescription) has no representable size")
            }
        }
        let bf16 = precision == .bf16 && registry.kernel(for: PackedBF16LinearKernel.op) != nil ? try BF16GEMM.selectedPath() : nil
        self.bf16Path = bf16
        var graph: ModelGraph
        if let bf16 {
            graph = try PackLinearWeightsPass.apply(original, bf16: bf16)
        } else {
            let path = registry.kernel(for: "LinearPacked") == nil ? nil : FloatGEMM.selectedPath
            graph = PackLinearWeightsPass.apply(original, path: path)
        }
        if fuseEpilogues { graph = LinearEpilogueFusion.apply(graph, registry: registry) }
        self.graph = original
        self.registry = registry
        self.context = ExecutionContext(threads: threads)
        let nodes = try graph.topologicalOrder()
        self.order = nodes.map { ($0, registry.kernel(for: $0.op)!) }
        var w: [String: Tensor] = [:]
        for (name, t) in graph.initializers { w[name] = t.dtype.isFloatingPoint ? t.asF32() : t }
        self.weights = w
        var lastUse: [String: Int] = [:]
        for (i, node) in nodes.enumerated() { for inp in node.inputs { lastUse[inp] = i } }
        let keep = Set(graph.outputs).union(graph.initializers.keys)
        var release = [[String]](repeating: [], count: nodes.count)
        for (name, step) in lastUse where !keep.contains(name) { release[step].append(name) }
        self.releaseAfter = release
    }

    /// Whether `profile` reads the calling thread's CPU time (`VITOPT_PROFILE_CLOCK=thread`) instead of
    /// wall time: on a shared, loaded machine a single-threaded profile then leaves out the time other
    /// processes held the core (work on other threads is not counted, so use it with one thread).
    static let threadClock = getenv("VITOPT_PROFILE_CLOCK").map { String(cString: $0) == "thread" } ?? false

    static func profileClock() -> UInt64 {
        guard threadClock else { return DispatchTime.now().uptimeNanoseconds }
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Runs the graph.
    ///
    /// - Parameter inputs: a tensor for every graph input, by name. Fixed dimensions must match the
    ///   declared shape; symbolic ones (the batch) bind to whatever the tensor has, consistently.
    /// - Returns: the graph outputs, by name.
    /// - Throws: `GraphError.badInput` for a missing or mis-shaped input; kernel errors name the node.
    public func run(_ inputs: [String: Tensor]) throws -> [String: Tensor] {
        // vitopt's kernels split work across `context.threads` themselves and call OpenBLAS single-threaded.
        BLAS.setThreads(1)
        var env: [String: Tensor] = weights
        var bindings: [String: Int] = [:]
        for info in graph.inputs {
            guard let t = inputs[info.name] else { throw GraphError.badInput(name: info.name, detail: "no tensor given") }
            guard t.rank == info.shape.count else {
                throw GraphError.badInput(name: info.name, detail: "expected shape \(info.shape.shapeDescription), got \(t.shape)")
            }
            for (d, n) in zip(info.shape, t.shape) {
                switch d {
                case .fixed(let want) where want != n:
                    throw GraphError.badInput(name: info.name, detail: "expected shape \(info.shape.shapeDescription), got \(t.shape)")
                case .symbol(let s):
                    if let bound = bindings[s], bound != n {
                        throw GraphError.badInput(name: info.name, detail: "dimension \(s) is \(bound) elsewhere, \(n) here")
                    }
                    if n < 1 { throw GraphError.badInput(name: info.name, detail: "dimension \(s) must be at least 1") }
                    bindings[s] = n
                default: break
                }
            }
            env[info.name] = (info.dtype.isFloatingPoint && t.dtype.isFloatingPoint) ? t.asF32() : t
        }
        for (step, entry) in order.enumerated() {
            let args = try entry.node.inputs.map { name -> Tensor in
                guard let t = env[name] else { throw GraphError.undefinedValue(node: entry.node.name, value: name) }
                return t
            }
            let t0 = profiling ? Self.profileClock() : 0
            let outs = try entry.kernel.run(node: entry.node, inputs: args, context: context)
            if profiling { profile[entry.node.op, default: 0] += Double(Self.profileClock() - t0) / 1e9 }
            for (name, t) in zip(entry.node.outputs, outs) { env[name] = t }
            for name in releaseAfter[step] { env[name] = nil }
        }
        var result: [String: Tensor] = [:]
        for name in graph.outputs { result[name] = env[name] }
        return result
    }
}
