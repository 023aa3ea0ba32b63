import Graph

/// Why a `MatMulInteger` chain was left to the generic kernels.
struct PatternMismatch: Error { let text: String }
