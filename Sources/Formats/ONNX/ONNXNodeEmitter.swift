import Foundation
import Graph

/// Translates one standard-vocabulary node into ONNX nodes for `opset` (see `ONNXExporter`).
struct ONNXNodeEmitter {
    let opset: Int
    let infos: [String: ValueInfo]
    let path: String

    func rank(_ v: String) -> Int { infos[v]?.shape.count ?? 0 }

    func emit(_ n: Node, into b: inout ONNXGraphBuilder) throws {
        let out = n.outputs[0], x = n.inputs.first ?? ""
        switch n.op {
        case "Add", "Mul", "Tanh":
            b.add(n.op, n.inputs, name: n.name, output: out)
        case OpKind.patchEmbed:
            guard let w = infos[n.inputs[1]]?.shape.compactMap(\.value), w.count == 4 else { throw unsupported(n, "weight shape unknown") }
            let conv = b.add("Conv", n.inputs, ["kernel_shape": .ints([w[2], w[3]]), "strides": .ints([w[2], w[3]])], name: n.name + ".conv")
            let flat = b.add("Reshape", [conv, b.ints([0, w[0], -1])], name: n.name + ".flatten")
            b.add("Transpose", [flat], ["perm": .ints([0, 2, 1])], name: n.name, output: out)
        case OpKind.prefixTokens:
            let shape = b.add("Shape", [x], name: n.name + ".shape")
            let batch = b.add("Slice", [shape, b.ints([0]), b.ints([1]), b.ints([0])], name: n.name + ".batch")
            let target = b.add("Concat", [batch, b.ints([1, 1])], ["axis": .int(0)], name: n.name + ".target")
            let expanded = n.inputs.dropFirst().map { b.add("Expand", [$0, target], name: n.name + ".expand") }
            b.add("Concat", expanded + [x], ["axis": .int(1)], name: n.name, output: out)
        case OpKind.layerNorm:
            let eps = n.float("epsilon") ?? 1e-5
            if opset >= 17 {
                b.add("LayerNormalization", n.inputs, ["axis": .int(-1), "epsilon": .float(eps)], name: n.name, output: out)
            } else {
                let mean = b.add("ReduceMean", [x], ["axes": .ints([-1])], name: n.name + ".mean")
                let c = b.add("Sub", [x, mean], name: n.name + ".center")
                let sq = b.add("Mul", [c, c], name: n.name + ".square")
                let v = b.add("ReduceMean", [sq], ["axes": .ints([-1])], name: n.name + ".var")
                let s = b.add("Sqrt", [b.add("Add", [v, b.float(eps)], name: n.name + ".eps")], name: n.name + ".std")
                let y = b.add("Mul", [b.add("Div", [c, s], name: n.name + ".norm"), n.inputs[1]], name: n.name + ".scale")
                b.add("Add", [y, n.inputs[2]], name: n.name, output: out)
            }
        case OpKind.linear:
            if rank(x) == 2 {
                b.add("Gemm", n.inputs, ["transB": .int(1)], name: n.name, output: out)
            } else {
                let wt = b.add("Transpose", [n.inputs[1]], ["perm": .ints([1, 0])], name: n.name + ".weight_t")
                if n.inputs.count == 3 {
                    let mm = b.add("MatMul", [x, wt], name: n.name + ".matmul")
                    b.add("Add", [mm, n.inputs[2]], name: n.name, output: out)
                } else {
                    b.add("MatMul", [x, wt], name: n.name, output: out)
                }
            }
        case OpKind.attention:
            try attention(n, &b)
        case "Gelu":
            let tanhForm = n.string("approximate") == "tanh"
            if opset >= 20 {
                b.add("Gelu", [x], ["approximate": .string(tanhForm ? "tanh" : "none")], name: n.name, output: out)
            } else if tanhForm {
                let cube = b.add("Mul", [x, b.add("Mul", [x, x], name: n.name + ".sq")], name: n.name + ".cube")
                let inner = b.add("Add", [x, b.add("Mul", [cube, b.float(0.044715)], name: n.name + ".c")], name: n.name + ".inner")
                let t = b.add("Tanh", [b.add("Mul", [inner, b.float(0.7978845608028654)], name: n.name + ".s")], name: n.name + ".tanh")
                let one = b.add("Add", [t, b.float(1)], name: n.name + ".one")
                b.add("Mul", [b.add("Mul", [x, b.float(0.5)], name: n.name + ".half"), one], name: n.name, output: out)
            } else {
                let e = b.add("Erf", [b.add("Div", [x, b.float(Float(2).squareRoot())], name: n.name + ".div")], name: n.name + ".erf")
                let one = b.add("Add", [e, b.float(1)], name: n.name + ".one")
                b.add("Mul", [b.add("Mul", [x, one], name: n.name + ".mul"), b.float(0.5)], name: n.name, output: out)
            }
        case OpKind.takeToken:
            b.add("Gather", [x, b.ints([n.int("index") ?? 0], scalar: true)], ["axis": .int(1)], name: n.name, output: out)
        case OpKind.meanTokens:
            let s = b.add("Slice", [x, b.ints([n.int("start") ?? 0]), b.ints([Int(Int64.max)]), b.ints([1])], name: n.name + ".tokens")
            if opset >= 18 {
                b.add("ReduceMean", [s, b.ints([1])], ["keepdims": .int(0)], name: n.name, output: out)
            } else {
                b.add("ReduceMean", [s], ["axes": .ints([1]), "keepdims": .int(0)], name: n.name, output: out)
            }
        case OpKind.average:
            var acc = n.inputs[0]
            for other in n.inputs.dropFirst() { acc = b.add("Add", [acc, other], name: n.name + ".sum") }
            b.add("Div", [acc, b.float(Float(n.inputs.count))], name: n.name, output: out)
        default:
            if try emitFamilyOp(n, into: &b) || emitSwinOp(n, into: &b) { return }
            guard Self.passthrough.contains(n.op) else { throw unsupported(n, "no ONNX translation for op '\(n.op)'") }
            try emitONNXOp(n, into: &b)
        }
    }

    func unsupported(_ n: Node, _ why: String) -> FormatError {
        .unsupported(path: path, detail: "cannot export node '\(n.name)' (\(n.op)): \(why)")
    }

    /// `softmax(scale · Q·Kᵀ) · V` per head, in the layout timm's export uses.
    func attention(_ n: Node, _ b: inout ONNXGraphBuilder) throws {
        guard let heads = n.int("num_heads"), let width = infos[n.inputs[0]]?.shape.last?.value else { throw unsupported(n, "unknown width") }
        // BiasedAttention's last input is the [H, T, T] score bias, added after the scale.
        let bias = n.op == OpKind.biasedAttention ? n.inputs.last : nil
        let packed = n.inputs.count - (bias == nil ? 0 : 1) == 1
        let d = packed ? width / 3 : width, dh = d / heads
        let scale = n.float("scale") ?? 1 / Float(dh).squareRoot()
        var q: String, k: String, v: String
        if packed {
            let r = b.add("Reshape", [n.inputs[0], b.ints([0, 0, 3, heads, dh])], name: n.name + ".split_heads")
            let p = b.add("Transpose", [r], ["perm": .ints([2, 0, 3, 1, 4])], name: n.name + ".permute")
            let parts = (0..<3).map { b.add("Gather", [p, b.ints([$0], scalar: true)], ["axis": .int(0)], name: n.name + ".part") }
            (q, v) = (parts[0], parts[2])
            k = b.add("Transpose", [parts[1]], ["perm": .ints([0, 1, 3, 2])], name: n.name + ".k_t")
        } else {
            func heads4(_ s: String, _ perm: [Int], _ tag: String) -> String {
                let r = b.add("Reshape", [s, b.ints([0, 0, heads, dh])], name: n.name + ".\(tag)_heads")
                return b.add("Transpose", [r], ["perm": .ints(perm)], name: n.name + ".\(tag)_t")
            }
            q = heads4(n.inputs[0], [0, 2, 1, 3], "q")
            k = heads4(n.inputs[1], [0, 2, 3, 1], "k")
            v = heads4(n.inputs[2], [0, 2, 1, 3], "v")
        }
        var scores = b.add("Mul", [b.add("MatMul", [q, k], name: n.name + ".qk"), b.float(scale)], name: n.name + ".scale")
        if let bias { scores = b.add("Add", [scores, bias], name: n.name + ".bias") }
        let probs = b.add("Softmax", [scores], ["axis": .int(-1)], name: n.name + ".softmax")
        let o = b.add("MatMul", [probs, v], name: n.name + ".pv")
        let t = b.add("Transpose", [o], ["perm": .ints([0, 2, 1, 3])], name: n.name + ".merge")
        b.add("Reshape", [t, b.ints([0, 0, d])], name: n.name, output: n.outputs[0])
    }
}
