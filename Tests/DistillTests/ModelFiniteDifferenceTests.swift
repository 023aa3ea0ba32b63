import Foundation
import Testing
@testable import Distill
import Graph

/// Finite differences through the whole training forward of tiny random ViTs, for the parts with no
/// stand-alone op: the patch embedding (im2col + projection), prefix tokens (class, dist, registers) and
/// the position embedding in either layout, token and average pooling, `fc_norm`, LayerScale and the
/// final norm. The probe is `L = Σ w·logits` (+ the dist head's) with random `w`; central differences
/// with h = 3e-3 on the fp32 forward (noise ≈ 1e-4, truncation ≈ 1e-5 here) must match the analytic
/// gradient within 1e-2 · max |gradient of that tensor| + 2e-4.
@Suite struct ModelFiniteDifferenceTests {
    struct Variant: CustomTestStringConvertible, Sendable {
        let name: String
        let config: ViTConfig
        let parts: [ViTPart]
        var testDescription: String { name }
    }

    static func config(classToken: Bool = true, dist: Bool = false, reg: Int = 0, posPrefix: Bool = true, pool: String = "token",
                       fcNorm: Bool = false, finalNorm: Bool = true, layerScale: Bool = false, classes: Int = 3,
                       activation: String = "gelu", normPre: Bool = false, patchBias: Bool = true, projection: Int = 0,
                       pooler: Bool = false) -> ViTConfig {
        ViTConfig(imageSize: [8, 8], patchSize: [4, 4], channels: 2, embedDim: 8, depth: 1, numHeads: 2, mlpHidden: 12,
                  classToken: classToken, distToken: dist, regTokens: reg, posEmbedIncludesPrefix: posPrefix, numClasses: classes,
                  globalPool: pool, fcNorm: fcNorm, finalNorm: finalNorm, layerScale: layerScale, pooler: pooler,
                  activation: activation, normPre: normPre, patchBias: patchBias, projectionDim: projection)
    }

    static let variants: [Variant] = [
        Variant(name: "class token, token pool", config: config(), parts: [.patchWeight, .patchBias, .posEmbed, .clsToken, .normWeight]),
        Variant(name: "avg pool, fc_norm, no class token", config: config(classToken: false, pool: "avg", fcNorm: true, finalNorm: false),
                parts: [.patchWeight, .posEmbed, .fcNormWeight, .fcNormBias]),
        Variant(name: "registers, pos embed without prefix", config: config(reg: 2, posPrefix: false), parts: [.posEmbed, .clsToken, .regToken, .patchBias]),
        Variant(name: "dist token", config: config(dist: true), parts: [.distToken, .clsToken, .posEmbed, .headDistWeight]),
        Variant(name: "LayerScale, avg pool with class token", config: config(pool: "avg", layerScale: true),
                parts: [.ls1, .ls2, .posEmbed, .patchWeight, .normBias]),
        // The families' features (issue #13).
        Variant(name: "CLIP: norm_pre, no patch bias, QuickGELU", config: config(activation: "quick_gelu", normPre: true, patchBias: false),
                parts: [.normPreWeight, .normPreBias, .patchWeight, .fc1Weight, .fc1Bias]),
        Variant(name: "tanh-GELU, token_avg", config: config(pool: "token_avg", activation: "gelu_tanh"),
                parts: [.fc1Bias, .headWeight, .posEmbed, .clsToken]),
        Variant(name: "SwiGLU", config: config(activation: "swiglu"), parts: [.fc1Weight, .fc1Bias, .fc2Weight, .norm2Weight]),
        Variant(name: "SigLIP: attention pooling, no class token", config: config(classToken: false, pool: "map", activation: "gelu_tanh"),
                parts: [.mapLatent, .mapQWeight, .mapQBias, .mapKVWeight, .mapKVBias, .mapProjWeight, .mapNormWeight, .mapFc1Weight,
                        .mapFc2Bias, .normWeight, .posEmbed]),
        Variant(name: "headless with projection", config: config(classes: 0, normPre: true, projection: 5),
                parts: [.imageProjection, .normWeight, .clsToken]),
        Variant(name: "headless with the HF pooler", config: config(classes: 0, pooler: true), parts: [.poolerWeight, .poolerBias, .normBias]),
        // BEiT (issue #14): relative position bias tables, with and without the absolute table.
        Variant(name: "BEiT: table per block, no position table", config: beit("block", absolute: false),
                parts: [.relativeBiasTable, .ls1, .qkvBias, .patchWeight, .fcNormWeight]),
        Variant(name: "BEiT: shared table and position table", config: beit("shared", absolute: true),
                parts: [.sharedRelativeBiasTable, .posEmbed, .clsToken, .qkvWeight]),
    ]

    static func beit(_ layout: String, absolute: Bool) -> ViTConfig {
        var c = config(pool: "avg", fcNorm: true, finalNorm: false, layerScale: true)
        c.relativePositionBias = layout
        c.absolutePositions = absolute
        c.family = "beit"
        return c
    }

    @Test(arguments: variants) func gradientsMatchCentralDifferences(_ v: Variant) throws {
        var rng = SeededGenerator(seed: 11)
        var desc = try ViTDescription.random(config: v.config, seed: 3)
        for (key, t) in desc.tensors {  // larger weights than timm's init, so every path is clearly non-linear
            let p = t.copy(), f = p.mutableFloats
            for i in 0..<p.count { f[i] += rng.normal() * (key.part == .ls1 || key.part == .ls2 ? 0.3 : 0.4) }
            desc.tensors[key] = p
        }
        let model = try TrainableViT(desc, threads: 2)
        let n = 2, k = TrainableViT.outputWidth(v.config)
        let x = Tensor(shape: [n, 2, 8, 8], floats: (0..<(n * 128)).map { _ in rng.normal() })
        let probe = Tensor(shape: [n, k], floats: (0..<(n * k)).map { _ in rng.normal() })
        let probeDist = Tensor(shape: [n, k], floats: (0..<(n * k)).map { _ in rng.normal() })
        func loss() throws -> Double {
            let out = try model.forward(x)
            var s = 0.0
            for i in 0..<(n * k) { s += Double(out.logits.floats[i]) * Double(probe.floats[i]) }
            if let d = out.distLogits { for i in 0..<(n * k) { s += Double(d.floats[i]) * Double(probeDist.floats[i]) } }
            return s
        }
        let p = model.parameters
        p.zeroGradients()
        _ = try loss()
        model.backward(dLogits: probe, dDistLogits: v.config.distToken ? probeDist : nil)
        let analytic = p.grads.copy()
        for part in v.parts {
            let entry = try #require(p.entries.first { $0.key.part == part }, "\(part) missing")
            let value = p.value(entry.key), grad = analytic.floats + entry.offset
            let picks = entry.count <= 24 ? Array(0..<entry.count) : (0..<24).map { _ in Int(rng.next() % UInt64(entry.count)) }
            var scale = 0.0
            for i in 0..<entry.count { scale = max(scale, abs(Double(grad[i]))) }
            #expect(scale > 1e-3, "\(v.name) \(entry.key): gradient is ~0, the check would be vacuous")
            for i in picks {
                let h: Float = 3e-3, o = value[i]
                value[i] = o + h; let up = try loss()
                value[i] = o - h; let down = try loss()
                value[i] = o
                let numeric = (up - down) / Double(2 * h)
                let err = abs(numeric - Double(grad[i]))
                #expect(err <= 1e-2 * scale + 2e-4, "\(v.name) \(entry.key)[\(i)]: analytic \(grad[i]), numeric \(numeric)")
            }
        }
    }

    /// What still has no backward is refused with a typed error naming the feature.
    @Test func featuresWithoutABackwardAreRefused() {
        var pooler = Self.config(); pooler.pooler = true  // a pooler beside a classifier head
        let tokenAvgFcNorm = Self.config(pool: "token_avg", fcNorm: true)
        for (c, what) in [(pooler, "pooler"), (tokenAvgFcNorm, "fc_norm with token_avg")] {
            #expect { try TrainableViT(ViTDescription.random(config: c, seed: 1), threads: 1) } throws: { e in
                guard case DistillError.unsupported(let s) = e else { return false }
                return s.contains(what)
            }
        }
    }

    /// The GELU the forward computes, and the derivative it saves, on every path: the portable one equals
    /// `VectorMath.gelu` and the recomputing backward bit for bit; the C kernels equal their scalar reference bit
    /// for bit; all are within 1e-6·(1 + |x|) of float64.
    @Test(arguments: AttentionMath.availablePaths) func savedGeluDerivative(path: AttentionMath.Path) {
        var rng = SeededGenerator(seed: 2)
        let x = (0..<3001).map { _ in rng.normal() * 3 } + [0, -0, 4, -4, 9, -9, 1e-30]
        var saved = x, act = [Float](repeating: 0, count: x.count)
        let ctx = ExecutionContext(threads: 2)
        GeluGrad.forward(&saved, act: &act, count: x.count, context: ctx, path: path)
        if path == .scalar {
            var g = [Float](repeating: 1, count: x.count), ref = [Float](repeating: 0, count: x.count)
            GeluGrad.backward(x: x, grad: &g, count: x.count, context: ctx)
            VectorMath.gelu(x, &ref, count: x.count)
            #expect(act == ref, "activation differs from VectorMath.gelu")
            #expect(saved == g, "saved derivative differs from the recomputed one")
        } else {
            var refAct = [Float](repeating: 0, count: x.count), refDer = [Float](repeating: 0, count: x.count)
            AttentionMath.gelu(x, act: &refAct, derivative: &refDer, count: x.count, path: .scalar)
            #expect(act.map(\.bitPattern) == refAct.map(\.bitPattern) && saved.map(\.bitPattern) == refDer.map(\.bitPattern))
            var only = [Float](repeating: 0, count: x.count)
            AttentionMath.gelu(x, act: &only, derivative: nil, count: x.count, path: path)
            #expect(only == act)
        }
        for (i, v) in x.enumerated() {
            let d = Double(v), cdf = 0.5 * (1 + Foundation.erf(d / 2.0.squareRoot()))
            let dgelu = cdf + d * Foundation.exp(-0.5 * d * d) / (2 * Double.pi).squareRoot()
            #expect(abs(Double(act[i]) - d * cdf) <= 1e-6 * (1 + abs(d)), "gelu(\(v)) = \(act[i])")
            #expect(abs(Double(saved[i]) - dgelu) <= 1e-6 * (1 + abs(d)), "gelu'(\(v)) = \(saved[i])")
        }
    }
}
