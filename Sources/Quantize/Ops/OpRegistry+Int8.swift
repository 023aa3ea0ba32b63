import Graph

extension OpRegistry {
    /// The fp32 vocabulary (with the ONNX operators, so imported graphs run too) plus vitopt's int8
    /// kernels: `Int8Linear`, `Int8LinearQ` and the fused quantizing producers `LayerNormQuantize` and `GeluQuantize`,
    /// and ONNX `QuantizeLinear`/`DequantizeLinear` (the QDQ form of static int8 exports).
    public static let int8: OpRegistry = {
        var r = OpRegistry.onnx
        for k: any OpKernel in [Int8LinearKernel(), Int8LinearQKernel(), LayerNormQuantizeKernel(), GeluQuantizeKernel(),
                                Int8PatchConvKernel(), QuantizeLinearKernel(), DequantizeLinearKernel()] {
            r.register(k)
        }
        return r
    }()
}
