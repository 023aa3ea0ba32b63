import Graph

/// Data2Vec-vision (transformers `Data2VecVisionModel` / `Data2VecVisionForImageClassification`):
/// BEiT's architecture and names under the `data2vec_vision.` prefix. timm has no Data2Vec class:
/// in timm's convention it is written as a BEiT.
struct Data2VecVisionFamily: ModelFamily {
    let name = "data2vec_vision"
    let hfModelTypes = ["data2vec-vision"]
    var namings: [FamilyNaming] { [BEiTNames.hf(family: name, modelPrefix: "data2vec_vision."), BEiTNames.timm] }

    func hfHints(_ json: [String: Any], path: String) throws -> ConfigHints {
        try BEiTFamily.hints(json, path: path, family: name)
    }

    func supportsPositions(_ c: ViTConfig) -> Bool { c.rope == nil && !c.mlpNorm }

    func inexpressible(_ c: ViTConfig, in convention: NamingConvention) -> String? {
        BEiTFamily().inexpressible(c, in: convention)
    }

    func hfConfig(_ c: ViTConfig) -> [String: Any] {
        BEiTFamily.hfConfig(c, modelType: "data2vec-vision", classes: ("Data2VecVisionModel", "Data2VecVisionForImageClassification"))
    }
}
