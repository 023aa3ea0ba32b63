import Graph

/// Finds NaN/inf in a student's parameters and its AdamW moments, before anything is saved.
enum FiniteCheck {
    /// A description of the first non-finite value ("parameter 'blocks.0.attn.qkv.weight' (3 of 6912
    /// values non-finite)", or "adam_m"/"adam_v"), or nil when every value is finite.
    static func firstNonFinite(_ parameters: any FlatParameters, _ optimizer: AdamW) -> String? {
        if let i = firstNonFinite(parameters.values) {
            let e = parameters.layout.last { $0.offset <= i }
            let name = e?.name ?? "values[\(i)]"
            return "parameter '\(name)'; \(countNonFinite(parameters.values)) of \(parameters.count) values non-finite"
        }
        if firstNonFinite(optimizer.m) != nil { return "AdamW first moment (adam_m)" }
        if firstNonFinite(optimizer.v) != nil { return "AdamW second moment (adam_v)" }
        return nil
    }

    /// The index of the first NaN/inf in an owned fp32 tensor.
    static func firstNonFinite(_ t: Tensor) -> Int? {
        t.bytes.withMemoryRebound(to: Float.self) { f in f.firstIndex { !$0.isFinite } }
    }

    static func countNonFinite(_ t: Tensor) -> Int {
        t.bytes.withMemoryRebound(to: Float.self) { f in f.reduce(0) { $0 + ($1.isFinite ? 0 : 1) } }
    }
}
