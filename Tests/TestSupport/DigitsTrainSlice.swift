import Formats
import Graph

/// Rows of the digits train split (samples/digits/train_pixels.npy), preprocessed as the digits
/// teacher's config says (float `[n, 3, 32, 32]`), written with their int64 labels as `.npy` files:
/// the `--data` / `--labels` of the training and distillation tests.
public enum DigitsTrainSlice {
    public static let teacher = Fixtures.sample("digits/timm/model.safetensors")

    /// - Parameters:
    ///   - rows: which train rows.
    ///   - dir: where to write `x<suffix>.npy` and `y<suffix>.npy`.
    ///   - pixels: applied to the preprocessed rows before they are written (a test's poison).
    /// - Returns: the two paths.
    public static func write(rows: Range<Int>, to dir: String, suffix: String = "",
                             pixels: (Tensor) -> Tensor = { $0 }) throws -> (String, String) {
        let config = try ModelLoader.load(teacher).model.config
        let x = pixels(try InputLoader.load(Fixtures.sample("digits/train_pixels.npy"), config: config).slice(rows: rows).copy())
        let y = try Fixtures.npy("digits/train_y.npy").slice(rows: rows).copy()
        let (xp, yp) = (dir + "/x\(suffix).npy", dir + "/y\(suffix).npy")
        try NpyArray.write(x, to: xp)
        try NpyArray.write(y, to: yp)
        return (xp, yp)
    }
}
