import Formats
import Graph

extension StudentBuilder {
    /// The LayerScale value BEiT students start from: timm's `beit_*` (`init_values`) and transformers'
    /// `layer_scale_init_value` default, and what vitopt's BEiT `config.json` files state.
    static let beitLayerScale: Float = 0.1

    /// timm's `Beit.init_weights` over a freshly initialised student (`initial` gave every tensor the
    /// ViT init): the relative position bias tables zero, LayerScale `beitLayerScale`, the class token
    /// and the absolute table trunc_normal std .02, each block's `attn.proj` and `mlp.fc2` weights divided
    /// by √(2·(block+1)) (`fix_init_weight`), the head weight and bias times `head_init_scale` 0.001.
    /// The key third of the packed qkv bias is zero (as every bias is), and stays so in training.
    static func initialiseAsBEiT(_ model: inout ViTDescription, rng: inout SeededGenerator) {
        for (key, t) in model.tensors {
            let p = t.mutableFloats, n = t.count
            switch key.part {
            case .relativeBiasTable, .sharedRelativeBiasTable:
                for i in 0..<n { p[i] = 0 }
            case .ls1, .ls2:
                for i in 0..<n { p[i] = beitLayerScale }
            case .projWeight, .fc2Weight:
                let scale = (2 * Float((key.block ?? 0) + 1)).squareRoot()
                for i in 0..<n { p[i] /= scale }
            case .headWeight, .headBias:
                for i in 0..<n { p[i] *= 0.001 }
            default:
                break
            }
        }
        // The class token is redrawn after the loop (the dictionary's order is not fixed); the absolute table
        // already has timm's trunc_normal .02.
        if let t = model.tensors[ViTTensorKey(.clsToken)] {
            let p = t.mutableFloats
            for i in 0..<t.count { p[i] = rng.truncatedNormal(std: 0.02) }
        }
    }
}
