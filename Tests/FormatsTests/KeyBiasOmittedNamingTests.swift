import Foundation
import Testing
@testable import Formats
import Graph

/// Conventions that store query and value biases but no key bias (BEiT's `q_bias`/`v_bias`, EVA-02,
/// DINOv3): read with a zero key bias, written without it, and the model's outputs do not depend on it.
@Suite struct KeyBiasOmittedNamingTests {
    static let config = ViTConfig(imageSize: [16, 16], patchSize: [8, 8], embedDim: 8, depth: 2, numHeads: 2, mlpHidden: 16, numClasses: 0)

    /// A timm-like naming with packed qkv weights and separate q and v biases.
    static let packed = FamilyNaming(family: "vit", convention: .timm, packedQKV: true, keyBiasOmitted: true, rows: [
        NameRow(.patchWeight, "patch_embed.proj.weight"), NameRow(.qkvWeight, "blocks.{i}.attn.qkv.weight"),
        NameRow(.qBias, "blocks.{i}.attn.q_bias"), NameRow(.vBias, "blocks.{i}.attn.v_bias"),
    ])
    /// An HF-like naming with separate projections and no key bias.
    static let split = FamilyNaming(family: "vit", convention: .hf, packedQKV: false, keyBiasOmitted: true, rows: [
        NameRow(.patchWeight, "embeddings.patch_embeddings.projection.weight"),
        NameRow(.qWeight, "encoder.layer.{i}.attention.attention.query.weight"), NameRow(.qBias, "encoder.layer.{i}.attention.attention.query.bias"),
        NameRow(.kWeight, "encoder.layer.{i}.attention.attention.key.weight"),
        NameRow(.vWeight, "encoder.layer.{i}.attention.attention.value.weight"), NameRow(.vBias, "encoder.layer.{i}.attention.attention.value.bias"),
    ])

    static func vector(_ n: Int, seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: [n], floats: (0..<n).map { _ in rng.normal() })
    }

    @Test func packedWeightsReadAsPackedBiasWithZeroKey() {
        let q = Self.vector(8, seed: 1), v = Self.vector(8, seed: 2)
        let files: [String: Tensor] = ["patch_embed.proj.weight": Tensor(zeros: .f32, shape: [8, 3, 8, 8]),
                                       "blocks.0.attn.qkv.weight": Tensor(zeros: .f32, shape: [24, 8]),
                                       "blocks.0.attn.q_bias": q, "blocks.0.attn.v_bias": v]
        let m = NamingMapper.match(files, naming: Self.packed, prefix: "")
        let qkv = m.tensors[ViTTensorKey(.qkvBias, block: 0)]
        #expect(qkv?.floatArray() == q.floatArray() + Array(repeating: 0, count: 8) + v.floatArray())
        #expect(m.tensors[ViTTensorKey(.qBias, block: 0)] == nil && m.tensors[ViTTensorKey(.vBias, block: 0)] == nil)
        #expect(m.unmatched.isEmpty)
    }

    @Test func splitWeightsReadWithZeroKeyBias() {
        let q = Self.vector(8, seed: 3)
        let files: [String: Tensor] = ["embeddings.patch_embeddings.projection.weight": Tensor(zeros: .f32, shape: [8, 3, 8, 8]),
                                       "encoder.layer.1.attention.attention.query.bias": q,
                                       "encoder.layer.1.attention.attention.key.weight": Tensor(zeros: .f32, shape: [8, 8])]
        let m = NamingMapper.match(files, naming: Self.split, prefix: "")
        #expect(m.tensors[ViTTensorKey(.kBias, block: 1)]?.floatArray() == Array(repeating: 0, count: 8))
        #expect(m.tensors[ViTTensorKey(.kBias, block: 1)]?.shape == [8])
        #expect(m.tensors[ViTTensorKey(.qBias, block: 1)]?.floatArray() == q.floatArray())
    }

    @Test func writingKeepsQueryAndValueBiases() throws {
        let model = try ViTDescription.random(config: Self.config, seed: 4)
        let dropped = model.droppingKeyBias()
        for b in 0..<Self.config.depth {
            let qkv = try #require(model.tensors[ViTTensorKey(.qkvBias, block: b)]).floatArray()
            #expect(dropped.tensors[ViTTensorKey(.qBias, block: b)]?.floatArray() == Array(qkv[0..<8]))
            #expect(dropped.tensors[ViTTensorKey(.vBias, block: b)]?.floatArray() == Array(qkv[16..<24]))
            #expect(dropped.tensors[ViTTensorKey(.kBias, block: b)] == nil && dropped.tensors[ViTTensorKey(.qkvBias, block: b)] == nil)
        }
    }

    /// The reason dropping is allowed: a key bias only shifts each query's logits by a constant.
    @Test func keyBiasDoesNotChangeTheOutput() throws {
        var model = try ViTDescription.random(config: Self.config, seed: 5)
        var zeroKey = model
        for b in 0..<Self.config.depth {
            // Weights of std 1 instead of 0.02, so that attention is far from uniform.
            let w = ViTTensorKey(.qkvWeight, block: b)
            model.tensors[w] = Tensor(shape: [24, 8], floats: Self.vector(24 * 8, seed: 20 + UInt64(b)).floatArray())
            let key = ViTTensorKey(.qkvBias, block: b)
            var f = Self.vector(24, seed: 10 + UInt64(b)).floatArray()
            model.tensors[key] = Tensor(shape: [24], floats: f)
            for i in 8..<16 { f[i] = 0 }
            zeroKey.tensors[w] = model.tensors[w]
            zeroKey.tensors[key] = Tensor(shape: [24], floats: f)
        }
        var rng = SeededGenerator(seed: 6)
        let x = Tensor(shape: [2, 3, 16, 16], floats: (0..<(2 * 3 * 16 * 16)).map { _ in rng.normal() })
        let a = try Executor(graph: ViTGraphBuilder.build(model), threads: 1).run(["pixel_values": x])
        let b = try Executor(graph: ViTGraphBuilder.build(zeroKey), threads: 1).run(["pixel_values": x])
        let la = try #require(a["last_hidden_state"]).floatArray(), lb = try #require(b["last_hidden_state"]).floatArray()
        let scale = max(1, la.map(abs).max() ?? 0)
        #expect(zip(la, lb).map { abs($0 - $1) }.max()! <= 1e-5 * scale)
        // The check can fail: a changed query bias does change the output.
        var changedQuery = zeroKey
        var f = try #require(zeroKey.tensors[ViTTensorKey(.qkvBias, block: 0)]).floatArray()
        for i in 0..<8 { f[i] += 1 }
        changedQuery.tensors[ViTTensorKey(.qkvBias, block: 0)] = Tensor(shape: [24], floats: f)
        let c = try Executor(graph: ViTGraphBuilder.build(changedQuery), threads: 1).run(["pixel_values": x])
        #expect(zip(la, try #require(c["last_hidden_state"]).floatArray()).map { abs($0 - $1) }.max()! > 1e-3 * scale)
    }
}
