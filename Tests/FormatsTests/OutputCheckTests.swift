import Testing
import Formats
import Graph

/// `run --expect`: the difference is measured relative to max(1, max |golden|) and NaN never passes.
@Suite struct OutputCheckTests {
    @Test func relativeToTheGoldensScale() throws {
        let golden = Tensor(shape: [2, 2], floats: [100, -50, 3, 0])
        let y = Tensor(shape: [2, 2], floats: [100.0005, -50, 3, 0])
        let check = try OutputCheck(y, golden: golden, goldenPath: "g.npy", tolerance: 1e-5)
        #expect(check.scale == 100)
        #expect(abs(check.maxDifference - 0.0005) < 1e-5)
        #expect(check.passes)
        #expect(try !OutputCheck(y, golden: golden, goldenPath: "g.npy", tolerance: 1e-6).passes)
    }

    @Test func smallOutputsUseAnAbsoluteFloorOfOne() throws {
        let check = try OutputCheck(Tensor(shape: [1], floats: [0.002]), golden: Tensor(shape: [1], floats: [0.001]), goldenPath: "g", tolerance: 1e-3)
        #expect(check.scale == 1 && check.passes)
    }

    @Test func nanFails() throws {
        let check = try OutputCheck(Tensor(shape: [2], floats: [.nan, 1]), golden: Tensor(shape: [2], floats: [0, 1]), goldenPath: "g", tolerance: 1)
        #expect(!check.passes)
        #expect(check.description.contains("EXCEEDED"))
    }

    @Test func shapeMismatchNamesTheFile() {
        #expect { try OutputCheck(Tensor(shape: [2], floats: [0, 1]), golden: Tensor(shape: [1, 2], floats: [0, 1]), goldenPath: "ref.npy", tolerance: 1) } throws: { e in
            "\(e)".contains("ref.npy")
        }
    }
}
