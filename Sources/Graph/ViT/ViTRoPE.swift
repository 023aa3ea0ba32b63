import Foundation

/// 2-D rotary position embedding (RoPE) of the patch tokens, as a position feature of `ViTConfig`.
///
/// Each attention head's `headDim` channels are split into `headDim/4` frequency bands per image
/// axis. A patch at grid row `r`, column `c` (of a `rows × cols` grid) has one coordinate per axis,
/// `(y, x)`, and angle `θ(axis, j) = y·f_j` (then `x·f_j`), `f_j = scale / temperature^(j / (headDim/4))`.
/// The angles, rows first (`[y bands…, x bands…]`, `headDim/2` values), are laid out to `headDim`
/// columns either interleaved (`[θ0, θ0, θ1, θ1, …]`, rotating channel pairs `(2i, 2i+1)`) or
/// in halves (`[θ0, θ1, …, θ0, θ1, …]`, rotating channel `i` with `i + headDim/2`), and
/// `q' = q·cos θ + rot(q)·sin θ` for the query and key of every patch token; prefix tokens (class,
/// registers) are not rotated.
///
/// The two coordinate schemes are the libraries':
/// - `index` (timm `RotaryEmbeddingCat`, EVA-02): `y = r + offset`, rescaled to `refGrid` when given
///   (`y·refRows/rows`, timm's `ref_feat_shape`), `scale = 1`.
/// - `centered` (DINOv3, timm `RotaryEmbeddingDinoV3`, transformers `DINOv3ViTRopePositionEmbedding`):
///   `y = 2·(r + 0.5 + offset)/denominator − 1` with the denominator the axis' own size
///   (`separate`) or the grid's `min`/`max` side, `scale = 2π`.
///
/// The tables depend only on the grid, so a model runs at any resolution by recomputing them.
/// Computed in Double and rounded once to Float: within 1 ulp of the exact angles' sine and cosine,
/// and within a few ulp of the libraries' float32 tables for the grids vitopt accepts.
public struct ViTRoPE: Codable, Equatable, Sendable {
    /// `"index"` (EVA-02) or `"centered"` (DINOv3).
    public var coordinates: String
    /// The frequency base (timm `rope_temperature`, transformers `rope_theta`).
    public var temperature: Double
    /// The pretraining grid `[rows, cols]` that `index` coordinates are rescaled to (timm `ref_feat_shape`).
    public var refGrid: [Int]?
    /// Added to every grid index before scaling (timm `rope_grid_offset`).
    public var gridOffset: Double
    /// The `centered` denominator: `"separate"`, `"min"` or `"max"`.
    public var normalizeCoords: String
    /// Halves layout (`rotate_half`, DINOv3) instead of interleaved pairs (EVA-02).
    public var rotateHalf: Bool

    public static let index = "index", centered = "centered"

    public init(coordinates: String, temperature: Double, refGrid: [Int]? = nil, gridOffset: Double = 0,
                normalizeCoords: String = "separate", rotateHalf: Bool) {
        self.coordinates = coordinates
        self.temperature = temperature
        self.refGrid = refGrid
        self.gridOffset = gridOffset
        self.normalizeCoords = normalizeCoords
        self.rotateHalf = rotateHalf
    }

    /// timm's EVA-02 RoPE (`RotaryEmbeddingCat`, interleaved, temperature 10000).
    public static func eva(refGrid: [Int]?, temperature: Double = 10000) -> ViTRoPE {
        ViTRoPE(coordinates: index, temperature: temperature, refGrid: refGrid, rotateHalf: false)
    }

    /// DINOv3's RoPE (centered coordinates, halves layout, base 100).
    public static func dinov3(temperature: Double = 100, normalizeCoords: String = "separate") -> ViTRoPE {
        ViTRoPE(coordinates: centered, temperature: temperature, normalizeCoords: normalizeCoords, rotateHalf: true)
    }

    /// Checks the fields and that `headDim` splits into bands.
    /// - Throws: `ViTError.invalidConfig` naming the field.
    public func validate(headDim: Int) throws {
        func fail(_ s: String) -> ViTError { .invalidConfig("rope: \(s)") }
        guard coordinates == Self.index || coordinates == Self.centered else {
            throw fail("coordinates must be \(Self.index) or \(Self.centered), is \(coordinates)")
        }
        guard temperature.isFinite, temperature > 1, temperature <= 1e12 else { throw fail("temperature must be in (1, 1e12], is \(temperature)") }
        guard gridOffset.isFinite, abs(gridOffset) <= 1e6 else { throw fail("grid_offset must be finite, at most 1e6 in magnitude, is \(gridOffset)") }
        guard ["separate", "min", "max"].contains(normalizeCoords) else { throw fail("normalize_coords must be separate, min or max, is \(normalizeCoords)") }
        if let r = refGrid {
            guard r.count == 2, r.allSatisfy(ViTConfig.Limits.imageSide.contains) else { throw fail("ref_grid must be two sides in 1...16384, is \(r)") }
        }
        guard headDim % 4 == 0, headDim >= 4 else { throw fail("the head width \(headDim) must be a multiple of 4 (two axes × sine, cosine pairs)") }
    }

    /// The per-axis coordinate of each grid index, for an axis of `size` within a `grid`.
    func axisCoordinates(axis: Int, grid: [Int]) -> [Double] {
        let size = grid[axis]
        if coordinates == Self.centered {
            let denominator: Double
            switch normalizeCoords {
            case "min": denominator = Double(grid.min() ?? size)
            case "max": denominator = Double(grid.max() ?? size)
            default: denominator = Double(size)
            }
            return (0..<size).map { 2 * ((Double($0) + 0.5 + gridOffset) / denominator) - 1 }
        }
        let scale = refGrid.map { Double($0[axis]) / Double(size) } ?? 1
        return (0..<size).map { (Double($0) + gridOffset) * scale }
    }

    /// The sine and cosine tables `[rows·cols, headDim]` (row-major patches) for `grid = [rows, cols]`.
    public func tables(grid: [Int], headDim: Int) -> (sin: [Float], cos: [Float]) {
        let bands = headDim / 4
        let scale = coordinates == Self.centered ? 2 * Double.pi : 1
        let freqs = (0..<bands).map { scale / pow(temperature, Double($0) / Double(bands)) }
        let ys = axisCoordinates(axis: 0, grid: grid), xs = axisCoordinates(axis: 1, grid: grid)
        let count = grid[0] * grid[1] * headDim
        var sinT = [Float](repeating: 0, count: count), cosT = [Float](repeating: 0, count: count)
        let half = headDim / 2
        var angles = [Double](repeating: 0, count: half)
        for r in 0..<grid[0] {
            for c in 0..<grid[1] {
                for j in 0..<bands {
                    angles[j] = ys[r] * freqs[j]
                    angles[bands + j] = xs[c] * freqs[j]
                }
                let base = (r * grid[1] + c) * headDim
                for (i, a) in angles.enumerated() {
                    let s = Float(Foundation.sin(a)), co = Float(Foundation.cos(a))
                    let cols = rotateHalf ? [i, i + half] : [2 * i, 2 * i + 1]
                    for col in cols {
                        sinT[base + col] = s
                        cosT[base + col] = co
                    }
                }
            }
        }
        return (sinT, cosT)
    }
}

extension ViTRoPE {
    enum CodingKeys: String, CodingKey {
        case coordinates, temperature, refGrid = "ref_grid", gridOffset = "grid_offset"
        case normalizeCoords = "normalize_coords", rotateHalf = "rotate_half"
    }
}
