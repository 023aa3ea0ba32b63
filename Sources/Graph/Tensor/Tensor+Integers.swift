extension Tensor {
    /// A new integer (or BOOL) tensor holding `values`, each stored in `dtype` (truncating to its
    /// width; BOOL and U8 keep the low byte). Float dtypes store `Float(value)`.
    public static func integers(_ values: [Int], shape: [Int], dtype: DType = .i64) -> Tensor {
        IntegerTensor.make(values, shape: shape, dtype: dtype)
    }
}
