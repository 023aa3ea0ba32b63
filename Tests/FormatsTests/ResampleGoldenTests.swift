import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// Position- and patch-embedding resampling against goldens written by PyTorch, timm and
/// transformers (`samples/gen_resize.py`): embeddings within 1e-6 absolute.
@Suite struct ResampleGoldenTests {
    struct Case: Sendable, CustomStringConvertible {
        let name, source, mode, sizing, reference: String
        let prefix: Int
        let sourceGrid, targetGrid: [Int]
        let antialias: Bool
        /// How far PyTorch's own fp32 result is from the float64 one.
        let torchFP32Error: Double
        var description: String { name }

        var interpolation: Interpolation {
            Interpolation(mode: InterpolationMode(rawValue: mode)!, antialias: antialias,
                          sizing: sizing == "size" ? .size : .scaleFactor(offset: 0.1))
        }
    }

    static let cases: [Case] = {
        guard let data = FileManager.default.contents(atPath: Fixtures.sample("resize/interp_cases.json")),
              let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
        return list.map { d in
            Case(name: d["name"] as! String, source: d["source"] as! String, mode: d["mode"] as! String,
                 sizing: d["sizing"] as! String, reference: d["reference"] as! String, prefix: d["prefix"] as! Int,
                 sourceGrid: d["source_grid"] as! [Int], targetGrid: d["target_grid"] as! [Int], antialias: d["antialias"] as! Bool,
                 torchFP32Error: d["fp32_vs_fp64"] as! Double)
        }
    }()

    static func file(_ name: String) throws -> SafetensorsFile { try SafetensorsFile(path: Fixtures.sample("resize/\(name)")) }

    @Test func everyCaseFileIsPresent() {
        #expect(Self.cases.count >= 20, "interp_cases.json lists \(Self.cases.count) cases")
        let kinds = Set(Self.cases.map { $0.name.split(separator: "_").first.map(String.init) ?? "" })
        #expect(kinds.isSuperset(of: ["timm", "hf", "deit", "dinov2"]))
    }

    /// Runs the case through the pass (or, for an unchanged grid, the kernel alone: the pass returns
    /// such a grid as is, as timm, transformers and DINOv2 do, while `F.interpolate` with a scale
    /// factor still resamples bicubic).
    static func run(_ c: Case, _ src: Tensor) throws -> Tensor {
        let got = try PositionEmbeddingResampler.resample(src, prefix: c.prefix, source: c.sourceGrid, target: c.targetGrid,
                                                          interpolation: c.interpolation, name: c.source)
        guard c.sourceGrid == c.targetGrid else { return got }
        #expect(got.bitwiseEqual(src))
        let d = src.shape[2]
        let grid = try GridResampler(source: c.sourceGrid, target: c.targetGrid, interpolation: c.interpolation,
                                     doublePrecisionWeights: src.dtype == .f64)
        let values = try EmbeddingValues.read(src, name: c.source)
        let patch = grid.apply(Array(values[(c.prefix * d)...]), depth: d)
        return EmbeddingValues.tensor(Array(values[0..<(c.prefix * d)]) + patch, shape: src.shape, like: src.dtype)
    }

    static func maxDiff(_ a: Tensor, _ b: Tensor) throws -> Double {
        guard a.shape == b.shape else { return .infinity }
        let x = try EmbeddingValues.read(a, name: "a"), y = try EmbeddingValues.read(b, name: "b")
        return zip(x, y).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// fp32 data: never farther from PyTorch's fp32 result than PyTorch itself is from the exact
    /// (float64) value, plus 1e-6. On these N(0, 1) grids PyTorch's fp32 kernels are up to 5.5e-6 off
    /// the exact value (they accumulate in fp32); on a trained embedding the bound is 1e-6 flat
    /// (`ResizeModelTests`).
    @Test(arguments: cases) func positionEmbeddingMatchesReference(_ c: Case) throws {
        let f = try Self.file("interp.safetensors")
        let src = try #require(f.tensors[c.source]), want = try #require(f.tensors[c.name])
        let got = try Self.run(c, src)
        let err = try Self.maxDiff(got, want)
        #expect(err <= c.torchFP32Error + 1e-6, "\(c.name) (\(c.reference)): max |diff| \(err), PyTorch fp32 vs fp64 \(c.torchFP32Error)")
        if c.prefix > 0 {   // prefix rows are copied bit for bit
            let head = got.reshaped([got.shape[1], got.shape[2]]).slice(rows: 0..<c.prefix)
            #expect(head.bitwiseEqual(src.reshaped([src.shape[1], src.shape[2]]).slice(rows: 0..<c.prefix)))
        }
    }

    /// fp64 data: the same formula in float64 — this checks every index, clamp and weight rule
    /// without fp32 noise.
    @Test(arguments: cases) func positionEmbeddingMatchesFloat64Reference(_ c: Case) throws {
        let f = try Self.file("interp.safetensors")
        let src32 = try #require(f.tensors[c.source]), want = try #require(f.tensors[c.name + ".f64"])
        let src = EmbeddingValues.tensor(try EmbeddingValues.read(src32, name: c.source), shape: src32.shape, like: .f64)
        let got = try Self.run(c, src)
        #expect(got.dtype == .f64)
        let err = try Self.maxDiff(got, want)
        #expect(err <= 1e-12, "\(c.name) (\(c.reference)) in float64: max |diff| \(err)")
    }

    @Test(arguments: ["bicubic_aa_8x8", "bilinear_noaa_6x6", "bicubic_aa_2x2", "bicubic_noaa_6x8", "bilinear_aa_5x7"])
    func patchEmbeddingMatchesTimm(_ name: String) throws {
        let f = try Self.file("flexi.safetensors")
        let parts = name.split(separator: "_")
        let size = parts[2].split(separator: "x").map { Int($0)! }
        let w = try #require(f.tensors["kernel"]), timm = try #require(f.tensors[name]), f64 = try #require(f.tensors[name + ".f64"])
        let got = try PatchEmbeddingResampler.resample(w, to: size, mode: InterpolationMode(rawValue: String(parts[0]))!,
                                                       antialias: parts[1] == "aa")
        let vsF64 = Tolerance.maxAbsDiff(got, f64.asF32()), vsTimm = Tolerance.maxAbsDiff(got, timm)
        #expect(vsF64 <= 1e-6, "\(name): vs float64 reference \(vsF64)")
        // timm inverts the full matrix in float32; its own fp32-vs-fp64 error is up to ~2.4e-6 here
        #expect(vsTimm <= 5e-6, "\(name): vs timm fp32 \(vsTimm)")
    }

    /// FlexiViT's defining property: a patch resized up and the resampled kernel give the same response.
    @Test func resampledKernelPreservesInnerProducts() throws {
        let w = try #require(try Self.file("flexi.safetensors").tensors["kernel"])
        let wHat = try PatchEmbeddingResampler.resample(w, to: [8, 8], mode: .bicubic, antialias: true)
        let resize = try GridResampler(source: [4, 4], target: [8, 8], interpolation: Interpolation(mode: .bicubic, antialias: true))
        var rng = SystemRandomNumberGenerator()
        let x = (0..<16).map { _ in Double.random(in: -1...1, using: &rng) }
        let big = resize.apply(x, depth: 1)
        let a = w.floatArray(), b = wHat.floatArray()
        for k in 0..<(8 * 3) {
            let lhs = (0..<64).reduce(0.0) { $0 + big[$1] * Double(b[k * 64 + $1]) }
            let rhs = (0..<16).reduce(0.0) { $0 + x[$1] * Double(a[k * 16 + $1]) }
            #expect(abs(lhs - rhs) <= 1e-5 * max(1, abs(rhs)), "kernel \(k): \(lhs) vs \(rhs)")
        }
    }

    @Test func pseudoInverseSatisfiesPenroseConditions() {
        let r = InterpolationWeights(input: 4, output: 7, mode: .bicubic, antialias: false).matrix   // 7×4
        let p = PseudoInverse.of(r, rows: 7, cols: 4)                                                 // 4×7
        func mul(_ a: [Double], _ b: [Double], _ m: Int, _ k: Int, _ n: Int) -> [Double] {
            (0..<(m * n)).map { idx in (0..<k).reduce(0.0) { $0 + a[idx / n * k + $1] * b[$1 * n + idx % n] } }
        }
        let rpr = mul(mul(r, p, 7, 4, 7), r, 7, 7, 4)
        #expect(zip(rpr, r).allSatisfy { abs($0 - $1) < 1e-12 })
        let pr = mul(p, r, 4, 7, 4)   // full column rank: P·R = I
        for i in 0..<4 { for j in 0..<4 { #expect(abs(pr[i * 4 + j] - (i == j ? 1 : 0)) < 1e-12) } }
    }
}
