import Foundation

/// The model-family fixtures of `samples/families/index.json` (written by `samples/gen_families.py`).
public struct FamilyFixture: Sendable, CustomStringConvertible {
    public let path: String
    public let family: String
    public let convention: String
    public let weights: String
    public let input: String
    /// Golden output name → `.npy` path (relative to `samples/families`).
    public let outputs: [String: String]
    /// The resize golden, when the family has one: new size, input, outputs.
    public let resize: (size: Int, input: String, outputs: [String: String])?
    /// The library's resampled position table at the resize size (`pos_embed`, `position_embeddings`
    /// or `positional_embedding`), when the family has one.
    public let resizedPositions: String?

    public var description: String { path }

    public static let root = Fixtures.sample("families")

    public static let all: [FamilyFixture] = {
        guard let data = FileManager.default.contents(atPath: root + "/index.json"),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = json["fixtures"] as? [[String: Any]] else { return [] }
        return list.compactMap { f in
            guard let path = f["path"] as? String, let weights = f["weights"] as? String, let input = f["input"] as? String else { return nil }
            var resize: (Int, String, [String: String])?
            if let r = f["resize"] as? [String: Any], let size = r["img_size"] as? Int, let i = r["input"] as? String,
               let o = r["outputs"] as? [String: String] {
                resize = (size, i, o)
            }
            let r = f["resize"] as? [String: Any]
            let positions = ["pos_embed", "position_embeddings", "positional_embedding"].lazy.compactMap { r?[$0] as? String }.first
            return FamilyFixture(path: path, family: f["family"] as? String ?? "", convention: f["convention"] as? String ?? "",
                                 weights: weights, input: input, outputs: f["outputs"] as? [String: String] ?? [:], resize: resize,
                                 resizedPositions: positions)
        }
    }()

    public func file(_ relative: String) -> String { Self.root + "/" + relative }
}
