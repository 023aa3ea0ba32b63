import Graph

extension ONNXNodeEmitter {
    /// `OpKind.rope` in standard operators: the patch tokens (`Slice` after `start`) and their first
    /// `width` columns are viewed as heads `[N, P, width/hd, hd]`, and `x·cos + (x·R)·sin` is computed
    /// with `R` the `[hd, hd]` ±1 matrix of the rotation (`MatMul` by it is exact: one non-zero term
    /// per output), the tables `[P, hd]` broadcast as `[P, 1, hd]`; the rest is concatenated back.
    /// The same fp32 products and sum as `RoPEKernel`, so vitopt and ONNX Runtime agree bit for bit.
    func rope(_ n: Node, _ b: inout ONNXGraphBuilder) throws {
        guard n.inputs.count == 3, let shape = infos[n.inputs[0]]?.shape, shape.count == 3,
              let t = shape[1].value, let c = shape[2].value, let table = infos[n.inputs[1]]?.shape, table.count == 2,
              let p = table[0].value, let hd = table[1].value, hd > 0, hd % 2 == 0 else {
            throw unsupported(n, "RoPE needs x [N,T,C] with known T, C and [P, hd] tables")
        }
        let start = n.int("start") ?? 0, width = n.int("width") ?? c, half = (n.int("rotate_half") ?? 0) != 0
        guard start >= 0, t - start == p, width > 0, width <= c, width % hd == 0 else { throw unsupported(n, "tables do not fit the tokens") }
        var rotation = [Float](repeating: 0, count: hd * hd)
        for i in 0..<(hd / 2) {
            let (a, bb) = half ? (i, i + hd / 2) : (2 * i, 2 * i + 1)
            rotation[bb * hd + a] = -1  // rot(x)[a] = −x[b]
            rotation[a * hd + bb] = 1  // rot(x)[b] = x[a]
        }
        let r = b.fresh("vitopt.rope_rotation")
        b.constants.append((r, Tensor(shape: [hd, hd], floats: rotation)))
        let x = n.inputs[0]
        let patches = start == 0 ? x : b.add("Slice", [x, b.ints([start]), b.ints([t]), b.ints([1])], name: n.name + ".patches")
        let rotated = width == c ? patches : b.add("Slice", [patches, b.ints([0]), b.ints([width]), b.ints([2])], name: n.name + ".rotated")
        let heads = b.add("Reshape", [rotated, b.ints([0, 0, width / hd, hd])], name: n.name + ".heads")
        let cos = b.add("Reshape", [n.inputs[2], b.ints([p, 1, hd])], name: n.name + ".cos")
        let sin = b.add("Reshape", [n.inputs[1], b.ints([p, 1, hd])], name: n.name + ".sin")
        let xc = b.add("Mul", [heads, cos], name: n.name + ".x_cos")
        let rs = b.add("Mul", [b.add("MatMul", [heads, r], name: n.name + ".rot"), sin], name: n.name + ".rot_sin")
        var y = b.add("Reshape", [b.add("Add", [xc, rs], name: n.name + ".sum"), b.ints([0, 0, width])], name: n.name + ".merge")
        if width < c {
            let rest = b.add("Slice", [patches, b.ints([width]), b.ints([c]), b.ints([2])], name: n.name + ".rest")
            y = b.add("Concat", [y, rest], ["axis": .int(2)], name: n.name + ".columns")
        }
        if start > 0 {
            let prefix = b.add("Slice", [x, b.ints([0]), b.ints([start]), b.ints([1])], name: n.name + ".prefix")
            b.add("Concat", [prefix, y], ["axis": .int(1)], name: n.name, output: n.outputs[0])
        } else {
            b.add("Identity", [y], name: n.name, output: n.outputs[0])
        }
    }
}
