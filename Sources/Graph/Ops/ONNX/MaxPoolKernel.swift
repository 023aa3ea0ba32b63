/// ONNX `MaxPool(X[N, C, H, W] or [N, C, L]) {kernel_shape, strides = 1, pads = 0, dilations = 1, ceil_mode = 0,
/// auto_pad = NOTSET | VALID | SAME_UPPER | SAME_LOWER}`: the largest element of each (dilated) window; padded
/// positions never win (the running maximum starts at the lowest finite float, as ONNX Runtime's, and a NaN
/// element is skipped unless nothing else is in the window). Output sizes follow the specification, with
/// `ceil_mode` dropping a last window that would start in the end padding, and SAME padding computed from
/// the dilated window as the specification writes it (ONNX Runtime 1.32 pads for the undilated kernel
/// there, so a dilated SAME pool is one row shorter in ORT). The `Indices` output and 3-D pooling are refused.
struct MaxPoolKernel: OpKernel {
    let kind = "MaxPool"

    /// One spatial axis: input size, kernel, stride, dilation, begin padding, output size.
    struct Axis: Equatable { let input, kernel, stride, dilation, begin, output: Int }

    static func axes(_ node: Node, spatial: [Int]) throws -> [Axis] {
        let n = spatial.count
        let kernel = try SymbolicShape.ints(node, "kernel_shape")
        let strides = SymbolicShape.optionalInts(node, "strides") ?? Array(repeating: 1, count: n)
        let dilations = SymbolicShape.optionalInts(node, "dilations") ?? Array(repeating: 1, count: n)
        var pads = SymbolicShape.optionalInts(node, "pads") ?? Array(repeating: 0, count: 2 * n)
        try KernelCheck.require(kernel.count == n && strides.count == n && dilations.count == n && pads.count == 2 * n, node,
                                "kernel_shape \(kernel), strides \(strides), dilations \(dilations) and pads \(pads) must match \(n) spatial axes")
        let limit = 1 << 24
        try KernelCheck.require((kernel + strides + dilations).allSatisfy { $0 > 0 && $0 <= limit } && pads.allSatisfy { $0 >= 0 && $0 <= limit },
                                node, "kernel, strides and dilations must be in 1...\(limit), pads in 0...\(limit)")
        let autoPad = node.string("auto_pad") ?? "NOTSET"
        let ceil = (node.int("ceil_mode") ?? 0) == 1
        return try (0..<n).map { a in
            let span = (kernel[a] - 1) * dilations[a] + 1
            switch autoPad {
            case "NOTSET": break
            case "VALID": pads[a] = 0; pads[a + n] = 0
            case "SAME_UPPER", "SAME_LOWER":
                let out = (spatial[a] + strides[a] - 1) / strides[a]
                let total = max(0, (out - 1) * strides[a] + span - spatial[a])
                let small = total / 2
                pads[a] = autoPad == "SAME_UPPER" ? small : total - small
                pads[a + n] = total - pads[a]
            default: throw GraphError.unsupported("node '\(node.name)': MaxPool auto_pad '\(autoPad)' is not an ONNX value")
            }
            let room = spatial[a] + pads[a] + pads[a + n] - span
            try KernelCheck.require(room >= 0, node, "the window (\(span)) is larger than the padded input (\(spatial[a] + pads[a] + pads[a + n]))")
            var out = (ceil && autoPad == "NOTSET" ? (room + strides[a] - 1) / strides[a] : room / strides[a]) + 1
            if ceil && autoPad == "NOTSET" && (out - 1) * strides[a] >= spatial[a] + pads[a] { out -= 1 }
            return Axis(input: spatial[a], kernel: kernel[a], stride: strides[a], dilation: dilations[a], begin: pads[a], output: out)
        }
    }

    /// Most element comparisons one node may ask for (about ten seconds of one core): the window is walked only
    /// where it overlaps the input, so this bounds planes · outputs · (overlap of kernel and input) per axis.
    static let maxComparisons = 1 << 34

    static func checkWork(_ node: Node, planes: Int, _ ax: [Axis]) throws {
        let factors = [planes] + ax.flatMap { [$0.output, min($0.kernel, $0.input)] }
        guard let work = Tensor.elementCount(factors), work <= maxComparisons else {
            throw GraphError.shapeMismatch(node: node.name, detail: "MaxPool would compare more than \(maxComparisons) elements (\(factors))")
        }
    }

    /// The kernel taps of output `o` on `a` that land inside the input: `o·stride + tap·dilation − begin` in `0..<input`.
    static func taps(_ a: Axis, _ o: Int) -> Range<Int> {
        let start = o * a.stride - a.begin
        let first = start >= 0 ? 0 : (-start + a.dilation - 1) / a.dilation
        let last = min(a.kernel, (a.input - 1 - start) / a.dilation + 1)
        return first < last ? first..<last : 0..<0
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.floats(node, inputs)
        let x = inputs[0]
        try KernelCheck.require(x.shape.count == 3 || x.shape.count == 4, node, "only 1-D and 2-D pooling: input is \(x.shape.shapeDescription)")
        let spatial = try (2..<x.shape.count).map { try KernelCheck.fixed(node, x, axis: $0) }
        let ax = try Self.axes(node, spatial: spatial)
        _ = try KernelCheck.product(node, [x.shape[1].value ?? 1] + ax.map(\.output), "MaxPool output")
        return [ValueInfo(name: "", shape: [x.shape[0], x.shape[1]] + ax.map { .fixed($0.output) })]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].asF32()
        let ax = try Self.axes(node, spatial: Array(x.shape.dropFirst(2)))
        // 1-D pooling is 2-D pooling over a height of 1.
        let h = ax.count == 2 ? ax[0] : Axis(input: 1, kernel: 1, stride: 1, dilation: 1, begin: 0, output: 1), w = ax[ax.count - 1]
        let planes = x.shape[0] * x.shape[1]
        try Self.checkWork(node, planes: planes, ax)
        let out = try KernelAllocation.tensor(node, .f32, [x.shape[0], x.shape[1]] + ax.map(\.output), zeroed: false)
        let s = x.floats, y = out.mutableFloats
        context.parallelFor(planes, minChunk: 1) { range in
            for p in range {
                let src = s + p * h.input * w.input, dst = y + p * h.output * w.output
                for oy in 0..<h.output {
                    for ox in 0..<w.output {
                        var m = -Float.greatestFiniteMagnitude
                        for ky in Self.taps(h, oy) {
                            let iy = oy * h.stride + ky * h.dilation - h.begin
                            for kx in Self.taps(w, ox) {
                                let ix = ox * w.stride + kx * w.dilation - w.begin
                                if src[iy * w.input + ix] > m { m = src[iy * w.input + ix] }
                            }
                        }
                        dst[oy * w.output + ox] = m
                    }
                }
            }
        }
        withExtendedLifetime(x) {}
        return [out]
    }
}
