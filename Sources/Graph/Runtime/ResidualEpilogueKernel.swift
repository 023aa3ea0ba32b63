/// A kernel that can finish its fp32 output with a residual add: given `epilogue = "residual"`, its
/// last input is a tensor of the output's shape added to the result (one fp32 add per element, so
/// bit-identical to a separate `Add`). `LinearEpilogueFusion` folds `Add`s into such kernels.
public protocol ResidualEpilogueKernel: OpKernel {}
