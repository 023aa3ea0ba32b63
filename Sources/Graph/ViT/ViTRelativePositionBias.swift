/// BEiT's relative position bias: a learned table of one value per head for every relative offset
/// between two patches of the grid, plus three rows for class→patch, patch→class and class→class,
/// added to the attention scores before the softmax.
///
/// The table has `(2·Gh−1)(2·Gw−1) + 3` rows and `heads` columns for a `Gh×Gw` patch grid; the
/// index that expands it to `[heads, T, T]` (`T = Gh·Gw + 1`, the class token first) is computed
/// from the grid, as timm's `gen_relative_position_index` and transformers'
/// `generate_relative_position_index` do, never read from a file.
public enum ViTRelativePositionBias: String, CaseIterable, Sendable {
    /// No relative position bias (every ViT but BEiT). (Not `none`, which reads as `Optional.none`
    /// in comparisons with `ViTConfig.relativeBias`.)
    case absent = "none"
    /// One table per block (timm `blocks.N.attn.relative_position_bias_table`, HF `use_relative_position_bias`).
    case perBlock = "block"
    /// One table shared by every block (timm `rel_pos_bias`, HF `use_shared_relative_position_bias`).
    case shared

    /// Rows of the table for a `[Gh, Gw]` grid, `nil` when it does not fit `Int`.
    public static func tableRows(grid: [Int]) -> Int? {
        guard grid.count == 2, grid.allSatisfy({ $0 > 0 }) else { return nil }
        let (a, o1) = (2 * grid[0]).subtractingReportingOverflow(1)
        let (b, o2) = (2 * grid[1]).subtractingReportingOverflow(1)
        let (ab, o3) = a.multipliedReportingOverflow(by: b)
        guard !o1, !o2, !o3, grid[0] < Int.max / 2, grid[1] < Int.max / 2 else { return nil }
        return ab + 3
    }

    /// The `[T, T]` row-major table index for a `[Gh, Gw]` grid (`T = Gh·Gw + 1`): for patches
    /// `i = (yi, xi)` and `j = (yj, xj)`, `(yi − yj + Gh − 1)·(2·Gw − 1) + (xi − xj + Gw − 1)`; row 0
    /// (class → patch) is `rows − 3`, column 0 (patch → class) `rows − 2`, `[0, 0]` is `rows − 1`.
    /// The caller bounds the grid (`ViTConfig.validate`, the kernel's size check).
    public static func index(grid: [Int]) -> [Int32] {
        let t = grid[0] * grid[1] + 1
        var out = [Int32](repeating: 0, count: t * t)
        for i in 0..<t {
            for j in 0..<t { out[i * t + j] = Int32(row(i, j, grid: grid)) }
        }
        return out
    }

    /// The table row for tokens `i` and `j` (0 is the class token) of a `[Gh, Gw]` grid: one entry of
    /// `index(grid:)`, without materialising it.
    @inline(__always)
    public static func row(_ i: Int, _ j: Int, grid: [Int]) -> Int {
        let gh = grid[0], gw = grid[1], rows = (2 * gh - 1) * (2 * gw - 1) + 3
        if i == 0 { return j == 0 ? rows - 1 : rows - 3 }
        if j == 0 { return rows - 2 }
        let yi = (i - 1) / gw, xi = (i - 1) % gw, yj = (j - 1) / gw, xj = (j - 1) % gw
        return (yi - yj + gh - 1) * (2 * gw - 1) + (xi - xj + gw - 1)
    }
}
