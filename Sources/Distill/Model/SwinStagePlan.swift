import Graph

/// The fixed bookkeeping of one Swin stage for training: widths, its window geometry and the token
/// orders of its unshifted and shifted blocks (`SwinWindows`), computed once from the config.
struct SwinStagePlan {
    let width: Int, heads: Int, hidden: Int, depth: Int
    /// Tokens per image (`grid_h·grid_w`) and the grid.
    let tokens: Int, grid: [Int]
    /// Global index of the stage's first block.
    let firstBlock: Int
    /// Window area and windows per image.
    let area: Int, windowsPerImage: Int
    /// Per block parity (0: unshifted, 1: shifted): the original token at each window-order position.
    let order: [[Int]]
    /// Per block parity: the attention geometry (for a batch of one image; `geometry(batch:)` scales it).
    let single: [WindowAttentionGrad.Geometry]

    init(_ c: SwinConfig, stage s: Int, firstBlock: Int) {
        width = c.width(stage: s)
        heads = c.numHeads[s]
        hidden = c.mlpHidden[s]
        depth = c.depths[s]
        grid = c.grid(stage: s)
        tokens = grid[0] * grid[1]
        self.firstBlock = firstBlock
        let window = c.windowAndShift(stage: s, block: 0).window
        area = window[0] * window[1]
        windowsPerImage = tokens / area
        let bias = SwinWindows.biasIndex(window: window)
        var order: [[Int]] = [], single: [WindowAttentionGrad.Geometry] = []
        for parity in 0..<2 {
            let shift = c.windowAndShift(stage: s, block: parity).shift
            let o = SwinWindows.order(grid: grid, window: window, shift: shift)
            order.append(o.tokens)
            single.append(WindowAttentionGrad.Geometry(windows: windowsPerImage, windowsPerImage: windowsPerImage, area: area, width: width,
                                                       heads: heads, biasIndex: bias, regions: shift.contains { $0 > 0 } ? o.regions : nil))
        }
        self.order = order
        self.single = single
    }

    /// The attention geometry of block `b` for a batch of `n` images.
    func geometry(block b: Int, batch n: Int) -> WindowAttentionGrad.Geometry {
        var g = single[b % 2]
        g.windows = n * windowsPerImage
        return g
    }

    /// Rows of this stage's activations for a batch of `n`.
    func rows(_ n: Int) -> Int { n * tokens }

    /// Parameter-name prefix of block `b` of stage `s`.
    static func blockPrefix(_ s: Int, _ b: Int) -> String { "layers.\(s).blocks.\(b)." }
}
