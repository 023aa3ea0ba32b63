/// One resampling recipe: kernel, antialias, sizing semantics.
public struct Interpolation: Sendable, Equatable, CustomStringConvertible {
    public var mode: InterpolationMode
    public var antialias: Bool
    public var sizing: InterpolationSizing

    public init(mode: InterpolationMode, antialias: Bool, sizing: InterpolationSizing = .size) {
        self.mode = mode
        self.antialias = antialias
        self.sizing = sizing
    }

    public var description: String {
        var s = "\(mode.rawValue), antialias \(antialias ? "on" : "off")"
        if case .scaleFactor(let offset) = sizing { s += ", scale_factor (+\(offset))" }
        return s
    }

    /// PyTorch's `scale_factor` for an axis resampled from `input` to `output` under this sizing,
    /// or `nil` for `size` semantics.
    func scaleFactor(input: Int, output: Int) -> Double? {
        guard case .scaleFactor(let offset) = sizing else { return nil }
        return (Double(output) + offset) / Double(input)
    }
}
