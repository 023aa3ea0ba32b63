import Testing
@testable import Graph

@Suite struct GraphIRTests {
    func chain() -> ModelGraph {
        let w = Tensor(shape: [2, 3], floats: [1, 0, 0, 0, 1, 0])
        let nodes = [
            Node(name: "act", op: "Gelu", inputs: ["h"], outputs: ["y"]),
            Node(name: "lin", op: "Linear", inputs: ["x", "w"], outputs: ["h"]),
        ]
        return ModelGraph(name: "g", inputs: [ValueInfo(name: "x", shape: [.batch, .fixed(3)])], outputs: ["y"],
                          nodes: nodes, initializers: ["w": w])
    }

    @Test func topologicalOrderFollowsDependencies() throws {
        #expect(try chain().topologicalOrder().map(\.name) == ["lin", "act"])
    }

    @Test func shapeInferenceKeepsTheBatchSymbolic() throws {
        let infos = try chain().inferShapes()
        #expect(infos["y"]?.shape == [.batch, .fixed(2)])
    }

    @Test func undefinedInputNamesTheNode() {
        var g = chain()
        g.nodes[0].inputs = ["nope"]
        #expect(throws: GraphError.undefinedValue(node: "act", value: "nope")) { try g.validate() }
    }

    @Test func cycleIsReported() {
        var g = chain()
        g.nodes[1].inputs = ["y", "w"]
        #expect(throws: GraphError.self) { try g.topologicalOrder() }
    }

    @Test func unknownOpsAreListedTogether() {
        var g = chain()
        g.nodes[0].op = "Frobnicate"
        g.nodes[1].op = "Wibble"
        #expect(throws: GraphError.unsupported("unsupported ops: Frobnicate (act), Wibble (lin)")) { try g.validate() }
    }

    @Test func shapeMismatchNamesTheNode() {
        var g = chain()
        g.initializers["w"] = Tensor(zeros: .f32, shape: [2, 4])
        do {
            try g.validate()
            Issue.record("expected a shape error")
        } catch let e as GraphError {
            #expect(e.description.contains("node 'lin'"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func executorChecksInputShapes() throws {
        let exec = try Executor(graph: chain(), threads: 1)
        #expect(throws: GraphError.self) { _ = try exec.run(["x": Tensor(zeros: .f32, shape: [2, 4])]) }
        #expect(throws: GraphError.self) { _ = try exec.run([:]) }
        let y = try exec.run(["x": Tensor(shape: [2, 3], floats: [1, 2, 3, -1, -2, -3])])["y"]!
        #expect(y.shape == [2, 2])
    }

    @Test func registryAcceptsNewKernels() throws {
        struct Negate: OpKernel {
            let kind = "Negate"
            func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] { [inputs[0]] }
            func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
                [Tensor(shape: inputs[0].shape, floats: inputs[0].floatArray().map { -$0 })]
            }
        }
        var registry = OpRegistry.standard
        registry.register(Negate())
        let g = ModelGraph(name: "n", inputs: [ValueInfo(name: "x", shape: [.fixed(2)])], outputs: ["y"],
                           nodes: [Node(name: "neg", op: "Negate", inputs: ["x"], outputs: ["y"])], initializers: [:])
        let y = try Executor(graph: g, registry: registry, threads: 1).run(["x": Tensor(shape: [2], floats: [1, -2])])["y"]!
        #expect(y.floatArray() == [-1, 2])
    }
}
