extension OpRegistry {
    /// The standard vocabulary plus the ONNX operators vitopt imports (after shape folding, every
    /// operator parameter is an attribute — see `ShapeFolding`). `Add` and `Mul` are replaced by the
    /// ONNX versions, which agree bit for bit on floats and also take integer tensors.
    public static let onnx: OpRegistry = {
        var r = OpRegistry.standard
        for k in ONNXBinaryKernel.all { r.register(k) }
        for k in ONNXUnaryKernel.all { r.register(k) }
        for k in ReshapeKernel.all { r.register(k) }
        for k in ReduceExtremumKernel.all { r.register(k) }
        for k: any OpKernel in [ClipKernel(), DynamicQuantizeLinearKernel(), MatMulIntegerKernel(), ConvIntegerKernel(),
                                  QuantizeLinearKernel(), DequantizeLinearKernel()] { r.register(k) }
        let others: [any OpKernel] = [CastKernel(), WhereKernel(), TransposeKernel(), ExpandKernel(), ConcatKernel(), SliceKernel(),
                                      SplitKernel(), GatherKernel(), MatMulKernel(), GemmKernel(), ConvKernel(), SoftmaxKernel(),
                                      ReduceMeanKernel(), LayerNormalizationKernel(), ModKernel(), IsNaNKernel(), RangeKernel(),
                                      TileKernel(), GatherElementsKernel(), TopKKernel(), ScatterNDKernel(), ResizeKernel(),
                                      ReduceSumKernel(), BatchNormalizationKernel(), InstanceNormalizationKernel(), MaxPoolKernel(),
                                      ReduceL2Kernel(), GatherNDKernel()]
        for k in others { r.register(k) }
        for k: any OpKernel in ONNXBinaryKernel.orEqual + [PadKernel(), GlobalAveragePoolKernel(), NotKernel()] { r.register(k) }
        return r
    }()
}
