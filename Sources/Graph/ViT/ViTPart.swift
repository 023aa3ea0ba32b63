/// The role of one ViT parameter, independent of naming convention.
public enum ViTPart: String, CaseIterable, Sendable, Codable {
    case patchWeight = "patch_embed.weight", patchBias = "patch_embed.bias"
    case clsToken = "cls_token", distToken = "dist_token", regToken = "reg_token", posEmbed = "pos_embed"
    case maskToken = "mask_token", normPreWeight = "norm_pre.weight", normPreBias = "norm_pre.bias"
    case norm1Weight = "norm1.weight", norm1Bias = "norm1.bias"
    /// Packed `[3D, D]` query/key/value projection (timm); the separate parts below are HF's.
    case qkvWeight = "qkv.weight", qkvBias = "qkv.bias"
    case qWeight = "q.weight", qBias = "q.bias", kWeight = "k.weight", kBias = "k.bias", vWeight = "v.weight", vBias = "v.bias"
    case projWeight = "proj.weight", projBias = "proj.bias", ls1 = "ls1"
    case norm2Weight = "norm2.weight", norm2Bias = "norm2.bias"
    case fc1Weight = "fc1.weight", fc1Bias = "fc1.bias", fc2Weight = "fc2.weight", fc2Bias = "fc2.bias", ls2 = "ls2"
    case normWeight = "norm.weight", normBias = "norm.bias", fcNormWeight = "fc_norm.weight", fcNormBias = "fc_norm.bias"
    case headWeight = "head.weight", headBias = "head.bias", headDistWeight = "head_dist.weight", headDistBias = "head_dist.bias"
    case poolerWeight = "pooler.weight", poolerBias = "pooler.bias"
    /// Attention pooling (timm `AttentionPoolLatent` names): the learned query, its q and kv
    /// projections, the output projection, then a pre-norm MLP.
    case mapLatent = "attn_pool.latent", mapQWeight = "attn_pool.q.weight", mapQBias = "attn_pool.q.bias"
    case mapKVWeight = "attn_pool.kv.weight", mapKVBias = "attn_pool.kv.bias"
    case mapProjWeight = "attn_pool.proj.weight", mapProjBias = "attn_pool.proj.bias"
    case mapNormWeight = "attn_pool.norm.weight", mapNormBias = "attn_pool.norm.bias"
    case mapFc1Weight = "attn_pool.mlp.fc1.weight", mapFc1Bias = "attn_pool.mlp.fc1.bias"
    case mapFc2Weight = "attn_pool.mlp.fc2.weight", mapFc2Bias = "attn_pool.mlp.fc2.bias"
    /// The bias-free projection after pooling, `[P, D]` (HF `visual_projection`; OpenCLIP stores it transposed).
    case imageProjection = "image_projection.weight"
    /// BEiT's relative position bias tables `[(2·Gh−1)(2·Gw−1)+3, heads]`: one per block, or one
    /// shared by every block (`ViTConfig.relativePositionBias`).
    case relativeBiasTable = "attn.relative_position_bias_table", sharedRelativeBiasTable = "rel_pos_bias.relative_position_bias_table"
    /// The MLP's inner LayerNorm before `fc2`, `[mlpHidden]` (timm EVA-02 `mlp.norm`).
    case mlpNormWeight = "mlp.norm.weight", mlpNormBias = "mlp.norm.bias"

    /// Whether the part exists once per transformer block.
    public var isPerBlock: Bool {
        switch self {
        case .norm1Weight, .norm1Bias, .qkvWeight, .qkvBias, .qWeight, .qBias, .kWeight, .kBias, .vWeight, .vBias,
             .projWeight, .projBias, .ls1, .norm2Weight, .norm2Bias, .fc1Weight, .fc1Bias, .fc2Weight, .fc2Bias, .ls2,
             .relativeBiasTable,
             .mlpNormWeight, .mlpNormBias:
            return true
        default:
            return false
        }
    }
}
