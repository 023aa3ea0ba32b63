/// A parameter of a ViT: its role and, for per-block parts, the block index.
public struct ViTTensorKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let part: ViTPart
    public let block: Int?

    public init(_ part: ViTPart, block: Int? = nil) {
        precondition(part.isPerBlock == (block != nil), "block index given for \(part) mismatch")
        self.part = part
        self.block = block
    }

    /// vitopt's canonical spelling, e.g. `blocks.3.qkv.weight`, `patch_embed.weight`.
    public var description: String {
        if let b = block { return "blocks.\(b).\(part.rawValue)" }
        return part.rawValue
    }

    public static func < (a: ViTTensorKey, b: ViTTensorKey) -> Bool {
        let ia = ViTPart.allCases.firstIndex(of: a.part)!, ib = ViTPart.allCases.firstIndex(of: b.part)!
        return ((a.block ?? -1), ia) < ((b.block ?? -1), ib)
    }
}
