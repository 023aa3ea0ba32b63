import Testing
@testable import Formats

/// `NameTemplate`'s byte route for ASCII names against its `Character` route, and `fill`.
@Suite("Name templates")
struct NameTemplateTests {
    static let names = [
        "blocks.3.norm1.weight", "vit.encoder.layer.11.attention.output.dense.bias", "cls_token", "", ".", "..",
        "a..b", ".5", "5.", "5", "007.x", "1.2.3", "blocks.3.mlp.7.weight", "x.+1.y", "x.-1.y", "layer.1e3.w",
        "h.99999999999999999999999.x", "h.99999999999999999999999.4", "stages.0.blocks.12.attn.qkv.weight", "a.\r\n.1",
    ]

    @Test("ASCII names: the byte route equals the Character route", arguments: names)
    func asciiRouteMatches(_ name: String) {
        let bytes = NameTemplate.template(of: name), graphemes = NameTemplate.graphemeTemplate(of: name)
        #expect(bytes.0 == graphemes.0 && bytes.1 == graphemes.1, "\(name): \(bytes) vs \(graphemes)")
    }

    @Test("known templates")
    func knownTemplates() {
        #expect(NameTemplate.template(of: "blocks.3.norm1.weight") == ("blocks.{i}.norm1.weight", 3))
        #expect(NameTemplate.template(of: "blocks.3.mlp.7.weight") == ("blocks.{i}.mlp.7.weight", 3))
        #expect(NameTemplate.template(of: "h.99999999999999999999999.4") == ("h.99999999999999999999999.{i}", 4))
        // A combining mark after a dot keeps the dot in its grapheme: no split there.
        #expect(NameTemplate.template(of: "blocks.3.\u{301}x") == ("blocks.3.\u{301}x", nil))
        #expect(NameTemplate.template(of: "blocks.٣.x") == ("blocks.٣.x", nil)) // Arabic-Indic digit: not ASCII
    }

    @Test("fill replaces {p} and, given a block, {i}; other braces stay")
    func fill() {
        #expect(NameTemplate.fill("{p}blocks.{i}.norm1.weight", prefix: "vit.", block: 3) == "vit.blocks.3.norm1.weight")
        #expect(NameTemplate.fill("{p}blocks.{i}.norm1.weight", prefix: "", block: nil) == "blocks.{i}.norm1.weight")
        #expect(NameTemplate.fill("{p}{p}.{q}.{i}{", prefix: "m.", block: 12) == "m.m..{q}.12{")
        #expect(NameTemplate.fill("plain", prefix: "vit.", block: 1) == "plain")
    }
}
