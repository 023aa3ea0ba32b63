internal import CInt8GEMM
import Graph

/// A calibrated (static) activation quantization: `x ≈ (q − zeroPoint) · scale` with `q` u8, the same
/// asymmetric u8 convention as the dynamic path and ONNX `QuantizeLinear`:
/// `q = clamp(rint(x / scale) + zeroPoint, 0, 255)`, round half to even, `x / scale` a true division,
/// values outside the calibrated range saturating to 0 or 255.
public struct StaticActivation: Sendable, Equatable {
    public let scale: Float
    public let zeroPoint: Int32

    /// Largest scale accepted from a file or node: 255 · 1e30 is still finite in fp32 and every
    /// real activation range is many orders of magnitude below it.
    public static let maxScale: Float = 1e30

    /// The quantization of the range `[lo, hi]`, widened to contain 0, exactly as ONNX Runtime's
    /// calibrators turn a range into u8 parameters: `scale = (hi − lo) / 255` (1 for an empty range),
    /// `zeroPoint = clamp(rint(−lo / scale), 0, 255)`.
    public init(lo: Float, hi: Float) {
        var s: Float = 0, z: Int32 = 0
        vitopt_i8_scale_for_range(lo, hi, &s, &z)
        scale = s
        zeroPoint = z
    }

    /// Checks stored values. - Throws: `Invalid` naming what is wrong (NaN, infinite, zero, negative,
    /// subnormal or larger than `maxScale` scale; zero point outside [0, 255]).
    public init(scale: Float, zeroPoint: Int) throws {
        guard scale.isFinite, scale.isNormal, scale > 0, scale <= Self.maxScale else {
            throw Invalid(detail: "activation scale \(scale) must be a finite normal number in (0, \(Self.maxScale)]")
        }
        guard (0...255).contains(zeroPoint) else {
            throw Invalid(detail: "activation zero point \(zeroPoint) must be in [0, 255] (u8)")
        }
        self.scale = scale
        self.zeroPoint = Int32(zeroPoint)
    }

    public struct Invalid: Error { public let detail: String }

    /// The node attributes carrying it.
    static let scaleKey = "input_scale", zeroPointKey = "input_zero_point"

    var attributes: [String: Attribute] { [Self.scaleKey: .float(scale), Self.zeroPointKey: .int(Int(zeroPoint))] }

    /// The calibrated quantization of a node's input. - Throws: `GraphError` when missing or invalid.
    static func of(_ node: Node) throws -> StaticActivation {
        guard let s = node.float(scaleKey) else { throw GraphError.missingAttribute(node: node.name, name: scaleKey) }
        guard let z = node.int(zeroPointKey) else { throw GraphError.missingAttribute(node: node.name, name: zeroPointKey) }
        do { return try StaticActivation(scale: s, zeroPoint: z) } catch let e as Invalid {
            throw GraphError.shapeMismatch(node: node.name, detail: e.detail)
        }
    }

    /// The node's calibrated quantization when it has one (`input_scale` present), else nil.
    static func optional(_ node: Node) throws -> StaticActivation? {
        node.attributes[scaleKey] == nil ? nil : try of(node)
    }
}
