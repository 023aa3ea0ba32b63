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
        let gh = grid[0], gw = grid[1], patches = gh * gw, t = patches + 1
        let rows = (2 * gh - 1) * (2 * gw - 1) + 3
        var out = [Int32](repeating: 0, count: t * t)
        for i in 0..<patches {
            let yi = i / gw, xi = i % gw
            for j in 0..<patches {
                let yj = j / gw, xj = j % gw
                out[(i + 1) * t + j + 1] = Int32((yi - yj + gh - 1) * (2 * gw - 1) + (xi - xj + gw - 1))
            }
        }
        for k in 0..<t {
            out[k] = Int32(rows - 3)
            out[k * t] = Int32(rows - 2)
        }
        out[0] = Int32(rows - 1)
        return out
    }
}
