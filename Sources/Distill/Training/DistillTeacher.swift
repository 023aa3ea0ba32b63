import Graph

/// Where the teacher's logits come from during training.
///
/// - `graph`: any `Executor` whose graph maps `pixel_values` to logits — the general runtime (an int8
///   graph on `OpRegistry.int8` drops in unchanged).
/// - `native`: a fp32 ViT run by the training engine's own forward (`TrainableViT` with `trainable:
///   false`: one block's buffers reused, no activations kept) — the same attention and GEMM kernels as
///   the student, faster than the general executor at training batch sizes. With a distillation token
///   its logits are the mean of both heads, as the graph's. The two differ by fp32 rounding only.
public enum DistillTeacher {
    case graph(Executor)
    case native(TrainableViT)

    /// The teacher as a native forward when the training engine supports its architecture, else its graph.
    /// - Throws: graph validation errors.
    public static func automatic(_ model: ViTDescription, threads: Int) throws -> DistillTeacher {
        if let native = try? TrainableViT(model, threads: threads, trainable: false) { return .native(native) }
        return .graph(try Executor(graph: try ViTGraphBuilder.build(model), threads: threads))
    }

    /// `[C, H, W]` of one input image (-1 for a dimension the graph leaves open).
    var imageShape: [Int] {
        switch self {
        case .graph(let e): return e.graph.inputs[0].shape.dropFirst().map { $0.value ?? -1 }
        case .native(let m): return [m.config.channels, m.config.imageSize[0], m.config.imageSize[1]]
        }
    }

    /// A short name for progress output.
    public var runtime: String {
        switch self {
        case .graph: return "graph executor"
        case .native: return "native forward"
        }
    }

    /// The graph output the student learns: `logits`, else (a headless model) `image_embeds`, else
    /// `pooler_output` — what the native forward returns — else the first output (`last_hidden_state`,
    /// read through `pooled`).
    static func target(of graph: ModelGraph) -> String {
        ["logits", "image_embeds", "pooler_output"].first(where: graph.outputs.contains) ?? graph.outputs[0]
    }

    /// Runs `executor` on `x` and returns its `target` as `[N, W]`: a `[N, T, D]` token sequence (a
    /// headless model with class-token pooling has no pooled output in its graph) gives its first token,
    /// the native forward's pooled features (HF Dinov2Model's `pooler_output`).
    /// - Throws: `DistillError.mismatch` when the output is missing or of another rank.
    static func pooled(_ executor: Executor, _ x: Tensor) throws -> Tensor {
        let name = target(of: executor.graph)
        guard let out = try executor.run([executor.graph.inputs[0].name: x])[name] else {
            throw DistillError.mismatch("\(executor.graph.name) gives no output '\(name)'")
        }
        if out.rank == 2 { return out }
        guard out.rank == 3, out.shape[1] > 0 else { throw DistillError.mismatch("\(executor.graph.name)'s \(name) is \(out.shape), not [N, W] or [N, T, D]") }
        let n = out.shape[0], t = out.shape[1], d = out.shape[2]
        let first = Tensor(zeros: .f32, shape: [n, d])
        let f32 = out.asF32(), dst = first.mutableFloats
        f32.withFloats { src in
            guard let base = src.baseAddress else { return }
            for b in 0..<n { (dst + b * d).update(from: base + b * t * d, count: d) }
        }
        return first
    }

    /// The logits (a headless teacher: its image embeddings or pooled features) for `x[N, C, H, W]`
    /// (owned by the teacher until the next call).
    func logits(_ x: Tensor) throws -> Tensor {
        switch self {
        case .graph(let e):
            return try Self.pooled(e, x)
        case .native(let m):
            let out = try m.forward(x)
            guard let dist = out.distLogits else { return out.logits }
            let a = out.logits.mutableFloats, b = dist.floats
            for i in 0..<out.logits.count { a[i] = (a[i] + b[i]) * 0.5 }
            return out.logits
        }
    }
}
