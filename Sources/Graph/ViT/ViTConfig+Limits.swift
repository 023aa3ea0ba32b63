extension ViTConfig {
    /// The ranges `validate()` accepts, shared with the `config.json` parsers so that a value read
    /// from a file is refused by name before anything is sized from it. Each bound is far above any
    /// published ViT and low enough that sizes derived from it (patch grids, weight shapes, image
    /// buffers) stay allocatable and overflow-free.
    public enum Limits {
        /// Image height or width, and every preprocessing resize or crop side, in pixels.
        public static let imageSide = 1...16384
        public static let channels = 1...1024
        public static let embedDim = 1...65536
        public static let depth = 0...1024
        public static let numHeads = 1...4096
        public static let mlpHidden = 1...(1 << 20)
        /// Classes of the head (0: no classifier).
        public static let numClasses = 0...(1 << 20)
        public static let regTokens = 0...1024
        /// Width of the projection after pooling (0: none).
        public static let projectionDim = 0...65536
        /// LayerNorm epsilon: positive and at most 1.
        public static let eps = Double.leastNonzeroMagnitude...1
        /// timm's crop fraction: the resize is `size / crop_pct`, so it must be positive; above 1
        /// would crop outside the resized image.
        public static let cropPct = 0.01...1
        /// Normalisation mean and standard deviation magnitudes (std must also be non-zero).
        public static let meanStd = -1e6...1e6
        /// Rows of a relative position bias table, `(2·Gh−1)(2·Gw−1) + 3` for a `Gh×Gw` patch grid.
        public static let relativeBiasRows = 4...(1 << 22)
    }

    /// Converts `x` rounded down to `Int`, saturating instead of trapping: NaN and negatives give 0,
    /// values beyond `Int` give `Int.max`. For sizes computed from untrusted floats, which
    /// `validate()` then refuses.
    static func saturatingInt(_ x: Double) -> Int {
        guard x.isFinite else { return x == .infinity ? Int.max : 0 }
        let r = x.rounded(.down)
        if r <= 0 { return 0 }
        return r < 0x1p62 ? Int(r) : Int.max
    }
}
