extension ViTDescription {
    /// The same model with every floating-point parameter and extra tensor stored as `storage`
    /// (`Tensor.castingFloats`: PyTorch's `model.to(dtype)` rounding); integer tensors unchanged.
    public func castingParameters(to storage: ParameterDType) -> ViTDescription {
        var out = self
        out.tensors = tensors.mapValues { $0.castingFloats(to: storage) }
        out.extras = extras.mapValues { $0.castingFloats(to: storage) }
        return out
    }
}
