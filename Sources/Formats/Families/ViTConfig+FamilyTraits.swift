import Graph

extension ViTConfig {
    /// Whether the model is written as a BEiT: a BEiT or Data2Vec-vision model, or any model with BEiT's
    /// relative position bias (only BEiT's conventions hold one). Its students are initialised as timm's
    /// `Beit` (see `StudentBuilder`).
    package var writtenAsBEiT: Bool {
        relativeBias != .absent || family == BEiTFamily().name || family == Data2VecVisionFamily().name
    }

    /// Whether no convention of the model's family stores a key bias (`FamilyNaming.keyBiasOmitted`:
    /// BEiT, Data2Vec-vision, EVA-02, DINOv3): the key bias is not a parameter of such a model — it is read
    /// as zeros and dropped on writing — so training must leave it at exactly zero.
    package var keyBiasIsFixedAtZero: Bool {
        if writtenAsBEiT { return true }
        guard let f = ModelFamilies.named(family) else { return false }
        return !f.namings.isEmpty && f.namings.allSatisfy(\.keyBiasOmitted)
    }
}
