#if canImport(Glibc)
import Glibc
#endif

/// `ReduceMean(x) {axes?, keepdims = 1}`: the fp32 mean over `axes` (all axes when absent),
/// summed in index order then divided by the count.
struct ReduceMeanKernel: OpKernel {
    let kind = "ReduceMean"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        return [try Reduction.outputInfo(node, inputs[0])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        [try Reduction.sumRows(node, inputs[0], context: context) { s, width in s / Float(width) }]
    }
}
