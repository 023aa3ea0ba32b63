import Graph

/// What a file's relative position bias tables say about the model (BEiT): which kind it has and,
/// from the table's row count, the square patch grid it was trained on.
struct RelativeBiasResolution {
    let mode: ViTRelativePositionBias
    /// `G` when the table has `(2G−1)² + 3` rows, `nil` otherwise (a non-square grid needs the image size).
    let squareGrid: Int?
    /// The table's column count: one per attention head.
    let heads: Int?

    /// - Throws: `FormatError.config` when the file has both kinds of table, or a table that is not `[R, heads]`.
    init(tensors: [ViTTensorKey: Tensor], path: String) throws {
        let shared = tensors[ViTTensorKey(.sharedRelativeBiasTable)]
        let perBlock = tensors[ViTTensorKey(.relativeBiasTable, block: 0)]
        if shared != nil && perBlock != nil {
            throw FormatError.config(path: path, detail: "both a shared and per-block relative position bias tables; vitopt supports one kind")
        }
        guard let table = shared ?? perBlock else {
            mode = .absent
            squareGrid = nil
            heads = nil
            return
        }
        mode = shared != nil ? .shared : .perBlock
        guard table.shape.count == 2, table.shape[0] > 3 else {
            throw FormatError.config(path: path, detail: "a relative position bias table must be [(2·Gh−1)(2·Gw−1)+3, heads], is \(table.shape)")
        }
        heads = table.shape[1]
        let side = Int(Double(table.shape[0] - 3).squareRoot().rounded())
        squareGrid = side * side == table.shape[0] - 3 && side % 2 == 1 ? (side + 1) / 2 : nil
    }
}
