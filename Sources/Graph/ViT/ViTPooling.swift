/// How the token sequence becomes one feature vector for the head. Raw values are the spellings
/// `ViTConfig.globalPool` stores (timm's `global_pool` where timm has one).
public enum ViTPooling: String, CaseIterable, Sendable {
    /// The first (class) token.
    case token
    /// The mean over the patch tokens (prefix tokens left out).
    case avg
    /// Multi-head attention pooling with a learned query (timm `AttentionPoolLatent`, SigLIP's head):
    /// one latent query attends over every token, then a pre-norm MLP with a residual.
    case map
    /// The class token and the patch-token mean, concatenated (`2·D`; HF `Dinov2ForImageClassification`).
    case tokenAvg = "token_avg"
}
