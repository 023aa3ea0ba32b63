import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// How an image folder's subfolders become class indices, and when vitopt refuses to guess.
@Suite struct ImageFolderLabelTests {
    /// A folder with `names` as class subfolders, each holding one digits PNG.
    func folder(_ names: [String]) throws -> String {
        let dir = Fixtures.scratch()
        for name in names {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(name)", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Fixtures.sample("digits/images/3/0.png"), toPath: "\(dir)/\(name)/a.png")
        }
        return dir
    }

    func config(labels: [String]?, classes: Int) throws -> ViTConfig {
        var c = try ModelLoader.load(Fixtures.sample("digits/timm/model.safetensors")).model.config
        c.labels = labels
        c.numClasses = classes
        return c
    }

    @Test func modelLabelNamesMapByName() throws {
        let dir = try folder(["7", "3"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = try Dataset.open(dir, labels: nil, config: try config(labels: (0..<10).map { "digit \($0)" } + [], classes: 10))
        // "3" and "7" are not among "digit N" names, but they are class numbers.
        #expect(d.labels == [3, 7])
        let named = try Dataset.open(dir, labels: nil, config: try config(labels: (0..<10).map(String.init).reversed(), classes: 10))
        #expect(named.labels == [6, 2])  // by name: "3" is label index 6 in the reversed list
    }

    @Test func foreignNamesAreNotGuessed() throws {
        let dir = try folder(["cat", "dog"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = try Dataset.open(dir, labels: nil, config: try config(labels: (0..<10).map(String.init), classes: 10))
        #expect(d.labels == nil)
    }

    @Test func unnamedModelUsesImageFolderOrder() throws {
        let dir = try folder(["cat", "dog"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = try Dataset.open(dir, labels: nil, config: try config(labels: nil, classes: 2))
        #expect(d.labels == [0, 1])
    }
}
