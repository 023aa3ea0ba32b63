import Foundation
import Testing
import TestSupport

/// `vitopt compare` exits as cmp does (0 same, 1 differ, 2 error) and says what differs.
@Suite struct CompareCLITests {
    @Test func identicalAcrossFormatsAndLayouts() throws {
        // The torch.save copy of timm-variants and the safetensors original hold the same model.
        let r = try BinaryRunner.run(["compare", Fixtures.sample("timm-variants/model.safetensors"),
                                      Fixtures.sample("pytorch/sharded")])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("identical"))
    }

    @Test func differencesAreListedWithACount() throws {
        let r = try BinaryRunner.run(["compare", Fixtures.sample("timm-variants/model.safetensors"),
                                      Fixtures.sample("digits/timm/model.safetensors"), "--limit", "3"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("config depth: 2 vs 6"))
        #expect(r.stdout.contains(" more"))
        #expect(!r.stderr.contains("Usage"))
    }

    @Test func valuesThatDifferReportTheLargestDifference() throws {
        let r = try BinaryRunner.run(["compare", Fixtures.sample("pytorch/state_dict_f16.pt"),
                                      Fixtures.sample("pytorch/state_dict.pth"), "--heads", "2"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("max abs difference"))
    }

    @Test func unreadableFileExitsTwoWithoutUsage() throws {
        let r = try BinaryRunner.run(["compare", Fixtures.sample("timm-variants/model.safetensors"), "/nonexistent/model.safetensors"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("no such file") && !r.stderr.contains("Usage"))
    }
}

/// `vitopt run` over a folder of images, in each output format.
@Suite struct RunFolderCLITests {
    @Test func folderOfImagesAsCSVAndJSON() throws {
        let teacher = Fixtures.sample("digits/timm/model.safetensors")
        let csv = try BinaryRunner.run(["run", teacher, "--input", Fixtures.sample("digits/images"), "--top", "1", "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let rows = csv.stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == 30)
        // The teacher gets 29 of the 30 right (images/8/0.png is predicted as 0): the folder name is the digit.
        let right = rows.filter { row in
            let f = row.split(separator: ",")
            return f[0].split(separator: "/").dropLast().last == f[3]
        }
        #expect(right.count == 29)
        let json = try BinaryRunner.run(["run", teacher, "--input", Fixtures.sample("digits/images/3"), "--top", "2", "--format", "json"])
        let array = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(array?.count == 3 && (array?[0]["top"] as? [[String: Any]])?.count == 2)
    }
}

/// Long jobs report progress on standard error; off a terminal, as plain lines.
@Suite struct ProgressCLITests {
    @Test func evalPrintsPlainProgressLines() throws {
        let r = try BinaryRunner.run(["eval", Fixtures.sample("digits/timm/model.safetensors"), "--data", Fixtures.sample("digits/test_pixels.npy"),
                                      "--labels", Fixtures.sample("digits/test_y.npy"), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("eval 360/360") && !r.stderr.contains("\u{1B}["))
        #expect(r.stdout.hasPrefix("{"))
    }
}

/// `inspect --json` of an int8 file carries its quantization scheme.
@Suite struct InspectJSONCLITests {
    @Test func quantizedFileReportsItsScheme() throws {
        let dir = Fixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let q = try BinaryRunner.run(["quantize", Fixtures.sample("digits/timm/model.safetensors"), dir + "/q.safetensors"])
        #expect(q.status == 0, "\(q.stderr)")
        let r = try BinaryRunner.run(["inspect", dir + "/q.safetensors", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let scheme = object?["quantization"] as? [String: Any]
        #expect(scheme?["scheme"] as? String == "dynamic int8" && scheme?["int8_layers"] as? Int == 25, "\(r.stdout)")
        #expect(object?["depth"] as? Int == 6)
    }
}

/// `--json` reports of convert, resize-pos and compare are single JSON objects with their facts.
@Suite struct JSONReportCLITests {
    func object(_ r: BinaryRunner.Result) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    }

    @Test func convertResizeAndCompare() throws {
        let dir = Fixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let teacher = Fixtures.sample("digits/timm/model.safetensors")
        let c = try BinaryRunner.run(["convert", teacher, dir + "/hf.safetensors", "--naming", "hf", "--json"])
        #expect(c.status == 0, "\(c.stderr)")
        #expect(object(c)?["tensors_written"] as? Int == 104 && object(c)?["naming"] as? String == "hf", "\(c.stdout)")
        // The folder r48 does not exist yet: it is made.
        let r2 = try BinaryRunner.run(["resize-pos", teacher, dir + "/r48/model.safetensors", "--image-size", "48", "--json"])
        #expect(r2.status == 0 && (object(r2)?["resampled"] as? [String])?.first?.contains("12×12") == true, "\(r2.stdout)\(r2.stderr)")
        let same = try BinaryRunner.run(["compare", teacher, dir + "/hf.safetensors", "--json"])
        #expect(same.status == 0 && object(same)?["identical"] as? Bool == true)
        let differ = try BinaryRunner.run(["compare", teacher, dir + "/r48/model.safetensors", "--json"])
        #expect(differ.status == 1 && (object(differ)?["differences"] as? [String])?.isEmpty == false)
    }
}

/// A job that fails while running says why and exits 1; only command-line mistakes print usage and exit 64.
@Suite struct ExitStatusCLITests {
    @Test func runtimeFailureIsNotAUsageError() throws {
        let r = try BinaryRunner.run(["attention", Fixtures.sample("deit-distilled/model.safetensors"),
                                      "--input", Fixtures.sample("inputs/batch224.npy"), "--json"])
        #expect(r.status == 1 && r.stderr.contains("--index") && !r.stderr.contains("Usage"), "\(r.status) \(r.stderr)")
        let usage = try BinaryRunner.run(["run", Fixtures.sample("digits/timm/model.safetensors"), "--input", "x.png", "--top", "0"])
        #expect(usage.status == 64 && usage.stderr.contains("Usage"))
    }
}

/// `quantize --json`: the result, the per-layer SQNR table and the evaluation in one object.
@Suite struct QuantizeJSONCLITests {
    @Test func reportAndEvalAsJSON() throws {
        let dir = Fixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try BinaryRunner.run(["quantize", Fixtures.sample("digits/timm/model.safetensors"), dir + "/q.safetensors", "--json",
                                      "--eval", Fixtures.sample("digits/test_pixels.npy"), "--labels", Fixtures.sample("digits/test_y.npy")])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(object?["int8_layers"] as? Int == 25)
        let report = object?["report"] as? [String: Any], eval = object?["eval"] as? [String: Any]
        #expect((report?["layers"] as? [[String: Any]])?.count == 25)
        #expect((eval?["agreement"] as? Double ?? 0) > 0.99 && eval?["samples"] as? Int == 360)
    }
}

/// A flag that contradicts the model's own config.json is an error that names both, never silently applied.
@Suite struct ContradictingFlagCLITests {
    @Test(arguments: [(["--heads", "8"], "--heads gives 8, but"), (["--eps", "1e-5"], "--eps gives 1e-05, but")])
    func flagAgainstConfig(_ flags: [String], _ message: String) throws {
        let r = try BinaryRunner.run(["inspect", Fixtures.sample("digits/timm/model.safetensors")] + flags)
        #expect(r.status == 1 && r.stderr.contains(message) && r.stderr.contains("config.json"), "\(r.stderr)")
        let agree = try BinaryRunner.run(["inspect", Fixtures.sample("digits/timm/model.safetensors"), "--heads", "4"])
        #expect(agree.status == 0)
    }
}

/// `quantize --exclude` takes the model's own module names (Hugging Face's `classifier`) and, when a
/// pattern matches nothing, lists the layers it could have named.
@Suite struct ExcludeNamesCLITests {
    @Test func huggingFaceModuleNamesAndAListOnNoMatch() throws {
        let dir = Fixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hf = Fixtures.sample("digits/hf/model.safetensors")
        let r = try BinaryRunner.run(["quantize", hf, dir + "/q.safetensors", "--exclude", "classifier"])
        #expect(r.status == 0 && r.stdout.contains("kept fp32: head (excluded)"), "\(r.stdout)\(r.stderr)")
        let none = try BinaryRunner.run(["quantize", hf, dir + "/q2.safetensors", "--exclude", "vit.encoder.layer.9*"])
        #expect(none.status != 0 && none.stderr.contains("blocks.0.attn.q (vit.encoder.layer.0.attention.attention.query)"), "\(none.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/q2.safetensors"))
    }
}
