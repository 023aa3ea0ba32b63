import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// Top-k predictions and their table, JSON and CSV forms.
@Suite struct PredictionTests {
    func config() throws -> ViTConfig { try ModelLoader.load(Fixtures.sample("hf-vit/model.safetensors")).model.config }

    @Test func topKOrdersByLogitAndNamesClasses() throws {
        let logits = Tensor(shape: [2, 5], floats: [0, 3, 1, 3, -1, 5, 0, 0, 0, 0])
        let p = Prediction.top(2, logits: logits, sources: ["a.png", "b.png"], config: try config())
        #expect(p[0].top.map(\.index) == [1, 3])  // a tie goes to the lower index
        #expect(p[0].top.map(\.label) == ["dog", "fish"])
        #expect(p[1].top[0].index == 0 && abs(p[1].top[0].probability - 0.97368) < 1e-4)
    }

    @Test func formats() throws {
        let logits = Tensor(shape: [1, 5], floats: [0, 3, 1, 2, -1])
        let p = Prediction.top(1, logits: logits, sources: ["dir/with,comma.png"], config: try config())
        #expect(PredictionFormat.csv.render(p) == "source,rank,index,label,probability\n\"dir/with,comma.png\",1,1,dog,\(p[0].top[0].probability)\n")
        let json = try JSONSerialization.jsonObject(with: Data(PredictionFormat.json.render(p).utf8)) as? [[String: Any]]
        #expect((json?[0]["source"] as? String) == "dir/with,comma.png")
        #expect(PredictionFormat.table.render(p).contains("dog"))
    }
}
