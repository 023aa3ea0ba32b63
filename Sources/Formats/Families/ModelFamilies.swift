import Graph

/// The registered model families, in the order they are tried.
enum ModelFamilies {
    static let all: [any ModelFamily] = [ViTFamily(), CLIPFamily(), SigLIPFamily(), DINOv2Family(), BEiTFamily(),
                                           Data2VecVisionFamily(), EvaFamily(), DINOv3Family()]

    /// Every naming to try when reading a checkpoint, each once (the first family listing it).
    static var namings: [FamilyNaming] {
        var seen = Set<String>()
        return all.flatMap(\.namings).filter { seen.insert("\($0.family)/\($0.convention.rawValue)").inserted }
    }

    static func named(_ name: String) -> (any ModelFamily)? { all.first { $0.name == name } }

    /// The family whose Hugging Face `model_type` this is.
    static func forHFModelType(_ type: String) -> (any ModelFamily)? { all.first { $0.hfModelTypes.contains(type) } }

    /// The naming `family` writes in `convention`: its own, or timm's `VisionTransformer` names, which
    /// every family without a timm class of its own shares.
    static func naming(_ family: any ModelFamily, _ convention: NamingConvention) -> FamilyNaming? {
        family.namings.first { $0.convention == convention } ?? (convention == .timm ? ViTNames.timm : nil)
    }

    /// The family to write `model` in `convention`: the model's own when it can, else the first that
    /// can; with the reasons each refused when none can.
    static func writer(for model: ViTDescription, _ convention: NamingConvention) -> Result<any ModelFamily, FormatError> {
        let own = named(model.config.family) ?? ViTFamily()
        let order = [own] + all.filter { $0.name != own.name }
        var reasons: [String] = []
        for f in order where naming(f, convention) != nil {
            let adapted = f.adapted(model, to: convention).config
            if let why = f.supportsPositions(adapted) ? f.inexpressible(adapted, in: convention)
                : "a position scheme \(f.name) does not hold (relative position bias, rotary embeddings, no position table or an inner MLP norm)" {
                reasons.append(f.name == own.name ? why : "\(f.name): \(why)")
            } else {
                return .success(f)
            }
        }
        return .failure(.cannotExpress(convention: convention.rawValue, detail: reasons.first ?? "this model"))
    }
}
