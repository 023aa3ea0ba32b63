import Foundation
import Formats
import Graph
import Testing
import TestSupport
@testable import Quantize

/// Int8 ONNX: vitopt's export (structure, ONNX Runtime goldens, round trip) and the import of ONNX
/// Runtime's `quantize_dynamic` outputs (generic integer kernels and the pattern pass onto
/// vitopt's packed kernel). Goldens: `samples/gen_onnxint8.py`.
@Suite struct ONNXInt8Tests {
    static let teacher = Fixtures.sample("digits/timm/model.safetensors")
    static let input = "digits/onnx_input.npy"

    static func quantized(_ scheme: ActivationScheme) throws -> (LoadedModel, DynamicQuantization.Result) {
        let l = try ModelLoader.load(teacher)
        var o = DynamicQuantization.Options()
        o.activations = scheme
        o.fuse = false
        return (l, try DynamicQuantization.apply(try l.graph(), options: o))
    }

    static func run(_ g: ModelGraph, _ x: Tensor) throws -> Tensor {
        try Executor(graph: g, registry: .int8, threads: 2).run([ViTGraphBuilder.inputName: x])[g.outputs[0]]!
    }

    /// Exports the teacher as `samples/gen_onnxint8.py` did (same file name, so the same bytes).
    static func export(_ scheme: ActivationScheme, opset: Int = ONNXExporter.defaultOpset) throws -> String {
        let (l, r) = try quantized(scheme)
        let path = Fixtures.scratch("onnxint8") + "/teacher-\(scheme.rawValue).onnx"
        try Int8ONNXFile.save(r, from: l, to: path, opset: opset)
        return path
    }

    static func fnv1a64(_ bytes: Data) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return String(format: "%016llx", h)
    }

    @Test("per-tensor export is ORT's quantize_dynamic chain per Linear")
    func perTensorStructure() throws {
        let f = try ONNXFile(path: try Self.export(.perTensor))
        #expect(f.opset == 17 && f.producer == "vitopt")
        let ops = f.graph.nodes.map(\.op)
        for op in ["DynamicQuantizeLinear", "MatMulInteger"] { #expect(ops.filter { $0 == op }.count == 25, "\(op)") }
        #expect(!ops.contains("ReduceMin"))
        let w = f.graph.initializers["blocks.0.attn.qkv.weight_quantized"], zp = f.graph.initializers["blocks.0.attn.qkv.weight_zero_point"]
        #expect(w?.dtype == .i8 && w?.shape == [64, 192])
        #expect(zp?.dtype == .i8 && zp?.shape == [192] && zp?.intArray().allSatisfy { $0 == 0 } == true)
        #expect(f.graph.initializers["blocks.0.attn.qkv.weight_scale"]?.shape == [192])
        #expect(f.graph.initializers["blocks.0.attn.qkv.weight"] == nil)
        // DQL → MatMulInteger(q, W, x_zp, W_zp) → Cast F32 → Mul(acc, x_scale · w_scale) → Add bias.
        let mm = try #require(f.graph.nodes.first { $0.op == "MatMulInteger" })
        let dql = try #require(f.graph.nodes.first { $0.outputs.contains(mm.inputs[0]) })
        #expect(dql.op == "DynamicQuantizeLinear" && mm.inputs[2] == dql.outputs[2] && mm.inputs[3].hasSuffix("_zero_point"))
        let cast = try #require(f.graph.nodes.first { $0.inputs == [mm.outputs[0]] })
        #expect(cast.op == "Cast" && cast.string("to") == "F32")
        let meta = try #require(f.graph.metadata[DynamicQuantization.metadataKey])
        #expect(meta.contains("\"activations\":\"per-tensor\"") && f.graph.metadata["vitopt.config"] != nil)
    }

    @Test("per-token export: row ranges, MatMulInteger without A zero point, int32 correction")
    func perTokenStructure() throws {
        let f = try ONNXFile(path: try Self.export(.perToken))
        let ops = f.graph.nodes.map(\.op)
        #expect(!ops.contains("DynamicQuantizeLinear"))
        for op in ["ReduceMin", "ReduceMax", "MatMulInteger"] { #expect(ops.filter { $0 == op }.count == 25, "\(op)") }
        #expect(f.graph.nodes.filter { $0.op == "MatMulInteger" }.allSatisfy { $0.inputs.count == 2 })
        let cs = try #require(f.graph.initializers["blocks.0.mlp.fc2.weight_colsum"])
        #expect(cs.dtype == .i32 && cs.shape == [64])
        #expect(f.graph.metadata[DynamicQuantization.metadataKey]?.contains("\"activations\":\"per-token\"") == true)
    }

    @Test("vitopt's export is the file ORT's golden was made from, and vitopt runs within tolerance of ORT",
          arguments: [ActivationScheme.perTensor, .perToken])
    func exportMatchesORT(_ scheme: ActivationScheme) throws {
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Fixtures.sample("onnxint8/vitopt_exports.json"))))
        let entry = try #require((record as? [String: Any])?[scheme.rawValue] as? [String: Any])
        let path = try Self.export(scheme)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.count == entry["bytes"] as? Int && Self.fnv1a64(bytes) == entry["fnv1a64"] as? String,
                "the export changed: regenerate with samples/generate.py --only onnxint8-export")
        let x = try Fixtures.npy(Self.input)
        let ort = try Fixtures.npy("onnxint8/" + (entry["ort_logits"] as! String))
        let (_, r) = try Self.quantized(scheme)
        let mine = try Self.run(r.graph, x)
        // One activation landing on the other side of a rounding boundary moves logits by ~1e-2
        // (per-tensor: 8.8e-3 measured; per-token: 4.6e-4); fp32 elsewhere differs by ~1e-6.
        #expect(Tolerance.maxAbsDiff(mine, ort) <= 0.03, "max abs \(Tolerance.maxAbsDiff(mine, ort))")
        #expect(Tolerance.minRowCosine(mine, ort) >= 0.9999, "cosine \(Tolerance.minRowCosine(mine, ort))")
    }

    @Test("re-importing vitopt's int8 ONNX gives the int8 model's outputs bit for bit",
          arguments: [ActivationScheme.perTensor, .perToken], [13, 17, 18])
    func roundTrip(_ scheme: ActivationScheme, _ opset: Int) throws {
        let x = try Fixtures.npy(Self.input)
        let (_, r) = try Self.quantized(scheme)
        let path = try Self.export(scheme, opset: opset)
        #expect(try ONNXFile(path: path).opset == opset)
        let imported = try ONNXImporter.load(path).graph
        let q = Int8ONNXPatterns.apply(imported)
        #expect(q.rewritten.count == 25 && q.kept.isEmpty, "\(q.kept)")
        #expect(!q.graph.nodes.contains { $0.op == "MatMulInteger" || $0.op == "DynamicQuantizeLinear" })
        #expect(try Self.run(q.graph, x).bitwiseEqual(try Self.run(r.graph, x)))
        // The generic integer kernels agree to fp32 rounding.
        let generic = try Self.run(imported, x)
        #expect(Tolerance.maxAbsDiff(generic, try Self.run(r.graph, x)) <= 1e-5)
    }

    @Test("ONNX Runtime's quantize_dynamic outputs run to ORT's logits",
          arguments: ["tiny_qint8", "tiny_qint8_per_channel", "tiny_quint8"])
    func importORT(_ name: String) throws {
        let x = try Fixtures.npy(Self.input), want = try Fixtures.npy("onnxint8/\(name)_logits.npy")
        let g = try ONNXImporter.load(Fixtures.sample("onnxint8/\(name).onnx")).graph
        #expect(g.nodes.contains { $0.op == "ConvInteger" } && g.nodes.filter { $0.op == "MatMulInteger" }.count == 9)
        let generic = try Self.run(g, x)
        #expect(Tolerance.maxAbsDiff(generic, want) <= 1e-5, "generic: \(Tolerance.maxAbsDiff(generic, want))")
        let q = Int8ONNXPatterns.apply(g)
        if name == "tiny_quint8" {
            // U8 weights with a zero point are not vitopt's symmetric int8: they stay on the generic kernels.
            #expect(q.rewritten.isEmpty && q.kept.count == 10 && q.kept.allSatisfy { $0.reason.contains("U8") })
        } else {
            // 9 MatMulInteger chains → Int8Linear, the patch ConvInteger chain → Int8PatchConv.
            #expect(q.rewritten.count == 10 && q.kept.isEmpty, "\(q.kept)")
            #expect(q.graph.nodes.filter { $0.op == "Int8PatchConv" }.count == 1)
            #expect(!q.graph.nodes.contains { ["ConvInteger", "MatMulInteger", "DynamicQuantizeLinear"].contains($0.op) })
        }
        let fast = try Self.run(q.graph, x)
        #expect(Tolerance.maxAbsDiff(fast, want) <= 1e-5 && Tolerance.minRowCosine(fast, want) >= 0.999999,
                "packed: \(Tolerance.maxAbsDiff(fast, want))")
    }

    @Test("ONNX Runtime's quantize_static QDQ outputs (u8 and s8 activations) run to ORT's logits, their Linear layers on vitopt's kernel",
          arguments: ["tiny_qdq_u8_per_channel", "tiny_qdq_s8_per_tensor"])
    func importORTStatic(_ name: String) throws {
        let x = try Fixtures.npy(Self.input)
        let plain = try Fixtures.npy("onnxint8/\(name)_unoptimized_logits.npy"), fused = try Fixtures.npy("onnxint8/\(name)_logits.npy")
        let g = try ONNXImporter.load(Fixtures.sample("onnxint8/\(name).onnx")).graph
        let generic = try Self.run(g, x)
        let q = Int8ONNXPatterns.apply(g)
        // 8 MatMul weights (qkv, proj, fc1, fc2 per block) and the head's Gemm → Int8Linear; the 4 attention
        // products of two activations are not candidates and stay on the generic kernels.
        #expect(q.rewritten.count == 9 && q.kept.isEmpty, "\(q.rewritten.count) rewritten, kept \(q.kept)")
        #expect(q.graph.nodes.filter { $0.op == Int8LinearKernel.op }.count == 9)
        let fast = try Self.run(q.graph, x)
        let scale = max(1, Tolerance.maxAbs(plain))
        print("\(name): vs ORT unoptimized: generic \(Tolerance.maxAbsDiff(generic, plain)), packed \(Tolerance.maxAbsDiff(fast, plain)); "
              + "vs ORT optimized \(Tolerance.maxAbsDiff(fast, fused)) (ORT's own two differ by \(Tolerance.maxAbsDiff(plain, fused)))")
        for (label, got) in [("generic", generic), ("packed", fast)] {
            // The graph's semantics (ORT without graph optimisation): fp32 rounding only.
            #expect(Tolerance.maxAbsDiff(got, plain) <= 1e-5 * scale, "\(label): max abs \(Tolerance.maxAbsDiff(got, plain))")
            // ORT's fused integer kernels round some later activations to the neighbouring step, as vitopt's
            // float rounding does elsewhere: as close to them as ORT's two modes are to each other.
            #expect(Tolerance.minRowCosine(got, fused) >= 0.9999, "\(label): cosine \(Tolerance.minRowCosine(got, fused))")
        }
    }
}
