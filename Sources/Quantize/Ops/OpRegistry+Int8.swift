import Graph

extension OpRegistry {
    /// The fp32 vocabulary (with the ONNX operators, so imported graphs run too) plus vitopt's int8
    /// kernels: `Int8Linear`, `Int8LinearQ`, `Int8PatchConv` and the fused quantizing producers `LayerNormQuantize`
    /// and `GeluQuantize`. (ONNX `QuantizeLinear`/`DequantizeLinear`, the QDQ form, are in `.onnx`.)
    public static let int8: OpRegistry = {
        var r = OpRegistry.onnx
        for k: any OpKernel in [Int8LinearKernel(), Int8LinearQKernel(), LayerNormQuantizeKernel(), GeluQuantizeKernel(),
                                Int8PatchConvKernel()] {
            r.register(k)
        }
        return r
    }()
}
