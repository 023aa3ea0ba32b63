/// The 1-D interpolation weights of ONNX `Resize`: for each output index, the input indices it
/// reads and their weights, from the coordinate transformation and the mode (the formulas of the
/// ONNX specification, evaluated in fp32 as ONNX Runtime does).
enum ResizeTaps {
    static let coordinateModes = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "half_pixel_symmetric"]

    struct Settings {
        let mode: String
        let coordinates: String
        let nearest: String
        let cubicA: Float
        let excludeOutside: Bool

        init(_ node: Node) throws {
            mode = node.string("mode") ?? "nearest"
            coordinates = node.string("coordinate_transformation_mode") ?? "half_pixel"
            nearest = node.string("nearest_mode") ?? "round_prefer_floor"
            cubicA = node.float("cubic_coeff_a") ?? -0.75
            excludeOutside = (node.int("exclude_outside") ?? 0) != 0
            try KernelCheck.require(cubicA.isFinite, node, "cubic_coeff_a \(cubicA) is not finite")
        }

        /// The input coordinate of output index `o` (fp32).
        func source(_ o: Int, inputSize n: Int, outputSize m: Int, scale: Float) -> Float {
            let x = Float(o)
            switch coordinates {
            case "align_corners": return m == 1 ? 0 : x * Float(n - 1) / Float(m - 1)
            case "asymmetric": return x / scale
            case "pytorch_half_pixel": return m > 1 ? (x + 0.5) / scale - 0.5 : 0
            case "half_pixel_symmetric":
                let adjustment = Float(m) / (scale * Float(n))
                let offset = Float(n) / 2 * (1 - adjustment)
                return offset + (x + 0.5) / scale - 0.5
            default: return (x + 0.5) / scale - 0.5
            }
        }

        /// (input index, weight) lists, one per output index.
        func weights(inputSize n: Int, outputSize m: Int, scale: Float, node: Node) throws -> [[(Int, Float)]] {
            try KernelCheck.require(n > 0 && m > 0, node, "cannot resize \(n) to \(m)")
            func clamp(_ i: Int) -> Int { min(max(i, 0), n - 1) }
            return (0..<m).map { o in
                let x = source(o, inputSize: n, outputSize: m, scale: scale)
                guard x.isFinite, abs(x) < 0x1p40 else { return [(0, 0)] }
                switch mode {
                case "nearest":
                    let f = x.rounded(.down), frac = x - f
                    let i: Float
                    switch nearest {
                    case "floor": i = f
                    case "ceil": i = x.rounded(.up)
                    case "round_prefer_ceil": i = frac >= 0.5 ? f + 1 : f
                    default: i = frac > 0.5 ? f + 1 : f
                    }
                    return [(clamp(Int(i)), 1)]
                case "linear":
                    let c = min(max(x, 0), Float(n - 1))
                    let i0 = Int(c.rounded(.down)), w1 = c - Float(i0)
                    return [(i0, 1 - w1), (clamp(i0 + 1), w1)]
                default:
                    let f = x.rounded(.down), t = x - f, i = Int(f), a = cubicA
                    func far(_ s: Float) -> Float { ((a * s - 5 * a) * s + 8 * a) * s - 4 * a }
                    func near(_ s: Float) -> Float { ((a + 2) * s - (a + 3)) * s * s + 1 }
                    var taps = [(i - 1, far(t + 1)), (i, near(t)), (i + 1, near(1 - t)), (i + 2, far(2 - t))]
                    if excludeOutside {
                        taps = taps.map { ($0.0, $0.0 >= 0 && $0.0 < n ? $0.1 : 0) }
                        let sum = taps.reduce(Float(0)) { $0 + $1.1 }
                        if sum != 0 { taps = taps.map { ($0.0, $0.1 / sum) } }
                    }
                    return taps.map { (clamp($0.0), $0.1) }
                }
            }
        }
    }
}
