import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// HDF5 through libhdf5: each layout read to goldens written by PyTorch / TensorFlow, bit-exact
/// round trips for every dtype and every format × convention, the written tf_model.h5 against the
/// one transformers wrote, and the error paths.
@Suite struct HDF5Tests {
    let teacher = Fixtures.sample("digits/timm/model.safetensors")
    let tfModel = Fixtures.sample("hdf5/tf/tf_model.h5")

    func logits(_ path: String, input: String, layout: HDF5Layout? = nil) throws -> Tensor {
        let loaded = try ModelLoader.load(path, hdf5Layout: layout)
        let x = try InputLoader.load(Fixtures.sample(input), config: loaded.model.config)
        return try Executor(graph: try loaded.graph(), threads: 2).run([ViTGraphBuilder.inputName: x])["logits"]!
    }

    /// Every ViT parameter of `a` equals `b`'s bit for bit (both in timm's packed-qkv form).
    func sameParameters(_ a: ViTDescription, _ b: ViTDescription) -> Bool {
        let x = a.packingQKV(), y = b.packingQKV()
        return x.tensors.count == y.tensors.count && x.tensors.allSatisfy { k, t in y.tensors[k].map(t.bitwiseEqual) ?? false }
    }

    @Test func transformersTFModelReadsToTheGoldens() throws {
        let loaded = try ModelLoader.load(tfModel)
        #expect(loaded.hdf5Layout == .keras && loaded.convention == .hf && loaded.transposedOnRead == 38)
        let got = try logits(tfModel, input: "digits/test_pixels.npy")
        for golden in ["hdf5/tf/tf_logits.npy", "digits/test_logits.npy"] {
            let want = try Fixtures.npy(golden)
            #expect(Tolerance.close(got, want, relative: 1e-4), "\(golden): \(Tolerance.maxAbsDiff(got, want))")
        }
        // The TF kernels, transposed back, are the PyTorch weights bit for bit.
        #expect(sameParameters(loaded.model, try ModelLoader.load(Fixtures.sample("digits/hf/model.safetensors")).model))
    }

    @Test func h5pyPlainDumpReadsToTheGoldens() throws {
        let path = Fixtures.sample("hdf5/plain/model.h5")
        let loaded = try ModelLoader.load(path)
        #expect(loaded.hdf5Layout == .plain && loaded.convention == .timm && loaded.model.extras.isEmpty)
        let got = try logits(path, input: "timm-variants/input.npy"), want = try Fixtures.npy("timm-variants/logits.npy")
        #expect(Tolerance.close(got, want, relative: 1e-4), "\(Tolerance.maxAbsDiff(got, want))")
        // Contiguous datasets and the gzip-chunked one alike equal the safetensors original.
        #expect(sameParameters(loaded.model, try ModelLoader.load(Fixtures.sample("timm-variants/model.safetensors")).model))
    }

    @Test func everyDTypeRoundTripsBitExact() throws {
        var tensors: [String: Tensor] = [:]
        var rng = SeededGenerator(seed: 7)
        for dtype in DType.allCases {
            let t = Tensor(zeros: dtype, shape: [3, 5])
            let p = t.mutableRawPointer.assumingMemoryBound(to: UInt8.self)
            for i in 0..<t.byteCount { p[i] = UInt8.random(in: 0...255, using: &rng) }
            if dtype == .bool { for i in 0..<t.count { p[i] &= 1 } }
            tensors["t.\(dtype.rawValue)"] = t
        }
        let special = Tensor(zeros: .bf16, shape: [4])  // a NaN payload, -inf, the smallest subnormal, -0
        for (i, bits) in [UInt16(0x7FC1), 0xFF80, 0x0001, 0x8000].enumerated() {
            special.mutableRawPointer.storeBytes(of: bits, toByteOffset: 2 * i, as: UInt16.self)
        }
        tensors["bf16.special"] = special
        tensors["scalar"] = Tensor(shape: [], floats: [1.5])
        tensors["empty"] = Tensor(zeros: .f32, shape: [0, 4])
        let path = Fixtures.scratch() + "/dtypes.h5"
        _ = try HDF5CheckpointWriter.write(tensors, metadata: ["k": "v"], layout: .plain, scope: "", mainLayer: nil, to: path)
        let back = try HDF5Checkpoint(path: path)
        #expect(back.metadata["k"] == "v" && back.tensors.count == tensors.count)
        for (name, t) in tensors {
            #expect(back.tensors[name].map(t.bitwiseEqual) == true, "\(name) changed")
        }
        let file = try HDF5File(path: path)
        #expect(try file.attribute("vitopt_dtype", of: "t.BF16")?.stringValue == "bfloat16")
        #expect(try file.info("t.BF16").dtype == .bf16)
        #expect(try file.info("t.F16").dtype == .f16)
    }

    @Test(arguments: ["digits/timm/model.safetensors", "digits/hf/model.safetensors"])
    func everyFormatAndConventionRoundTripsBitExact(source: String) throws {
        let original = try ModelLoader.load(Fixtures.sample(source))
        let targets: [(ModelFormat, NamingConvention, HDF5Layout, String)] = [
            (.safetensors, .timm, .plain, "model.safetensors"), (.safetensors, .hf, .plain, "model.safetensors"),
            (.hdf5, .timm, .plain, "model.h5"), (.hdf5, .hf, .plain, "model.h5"), (.hdf5, .hf, .keras, "tf_model.h5"),
        ]
        for (i, (format, naming, layout, file)) in targets.enumerated() {
            let dir = Fixtures.scratch()
            let mid = "\(dir)/\(file)"
            let s = try ModelSaver.save(original.model, to: mid, naming: naming, format: format, writeConfigJSON: false, hdf5Layout: layout)
            #expect(s.transposed == (layout == .keras ? 38 : 0))
            let read = try ModelLoader.load(mid)
            #expect(read.convention == naming && read.model.config == original.model.config, "target \(i)")
            #expect(sameParameters(read.model, original.model), "target \(i): \(format) \(naming) \(layout)")
            // ... and back to the source's own convention, as the same bytes.
            let back = "\(dir)/back.safetensors"
            _ = try ModelSaver.save(read.model, to: back, naming: original.convention, writeConfigJSON: false)
            let a = try SafetensorsFile(path: Fixtures.sample(source)).tensors, b = try SafetensorsFile(path: back).tensors
            #expect(Set(a.keys) == Set(b.keys) && a.allSatisfy { b[$0.key].map($0.value.bitwiseEqual) ?? false }, "target \(i) back")
        }
    }

    @Test func writtenTFModelHasTheStructureTransformersWrites() throws {
        let out = Fixtures.scratch() + "/tf_model.h5"
        _ = try ModelSaver.save(try ModelLoader.load(teacher).model, to: out, naming: .hf, format: .hdf5, writeConfigJSON: false, hdf5Layout: .keras)
        let ours = try HDF5File(path: out), theirs = try HDF5File(path: tfModel)
        let layers = try #require(try ours.attribute("layer_names")?.strings)
        let theirLayers = try theirs.attribute("layer_names")?.strings
        #expect(layers == ["vit", "classifier"] && layers == theirLayers)
        #expect(try ours.attribute("backend")?.stringValue == "tensorflow")
        for layer in layers {
            let names = try HDF5Checkpoint.weightNames(ours, layer), theirNames = try HDF5Checkpoint.weightNames(theirs, layer)
            #expect(names == theirNames, "\(layer) weight_names differ")
            for w in names {
                #expect(try ours.info("\(layer)/\(w)").shape == (try theirs.info("\(layer)/\(w)").shape), "\(w)")
                #expect(try ours.tensor("\(layer)/\(w)").bitwiseEqual(try theirs.tensor("\(layer)/\(w)")), "\(w) values")
            }
        }
        #expect(try ours.info("vit/tf_vi_t_for_image_classification/vit/embeddings/patch_embeddings/projection/kernel:0").shape == [4, 4, 3, 64])
    }

    @Test func extraTensorsAreCarriedThroughWithAWarning() throws {
        var named = try SafetensorsFile(path: teacher).tensors
        named["ema.decay"] = Tensor(shape: [1], floats: [0.999])
        let dir = Fixtures.scratch()
        _ = try HDF5CheckpointWriter.write(named, metadata: [:], layout: .plain, scope: "", mainLayer: nil, to: dir + "/x.h5")
        _ = FileManager.default.createFile(atPath: dir + "/config.json", contents: FileManager.default.contents(atPath: Fixtures.sample("digits/timm/config.json")))
        let loaded = try ModelLoader.load(dir + "/x.h5")
        #expect(loaded.model.extras.keys.sorted() == ["ema.decay"] && loaded.warnings.contains { $0.contains("ema.decay") })
        let s = try ModelSaver.save(loaded.model, to: dir + "/tf_model.h5", naming: .hf, format: .hdf5, writeConfigJSON: false, hdf5Layout: .keras)
        #expect(s.carriedThrough == 1)
        #expect(try ModelLoader.load(dir + "/tf_model.h5").model.extras["ema.decay"]?.bitwiseEqual(named["ema.decay"]!) == true)
    }

    @Test func badFilesGiveNamedErrors() throws {
        let dir = Fixtures.scratch()
        // truncated
        let bytes = try #require(FileManager.default.contents(atPath: tfModel))
        _ = FileManager.default.createFile(atPath: dir + "/cut.h5", contents: bytes.prefix(bytes.count / 2))
        #expect { try ModelLoader.load(dir + "/cut.h5") } throws: { "\($0)".contains("cut.h5") && $0 is FormatError }
        // not HDF5 at all (only the name says so)
        _ = FileManager.default.createFile(atPath: dir + "/text.h5", contents: Data("hello, not hdf5\n".utf8))
        #expect { try HDF5File(path: dir + "/text.h5") } throws: { ($0 as? FormatError).map { if case .notRecognized = $0 { return true }; return false } ?? false }
        // an HDF5 file with groups but no datasets: the error lists what is there
        let w = try HDF5Writer(path: dir + "/empty.h5")
        try w.group("model/layers")
        try w.commit()
        #expect { try ModelLoader.load(dir + "/empty.h5") } throws: { "\($0)".contains("not recognised") && "\($0)".contains("[model]") }
        // keras forced onto a plain file
        #expect { try ModelLoader.load(Fixtures.sample("hdf5/plain/model.h5"), hdf5Layout: .keras) } throws: { "\($0)".contains("layer_names") }
        // unsupported dataset type, named
        #expect { try ModelLoader.load(Fixtures.sample("hdf5/odd/compound.h5")) } throws: { "\($0)".contains("patch_embed/proj/weight") && "\($0)".contains("compound") }
        // Keras 3 variables that are not a ViT: the error lists the layers and shapes
        #expect { try ModelLoader.load(Fixtures.sample("hdf5/odd/keras3_mlp.weights.h5")) } throws: { "\($0)".contains("dense [8, 4] [4]") }
    }

    @Test func shapeThatContradictsTheConfigIsRefused() throws {
        var config = try ModelLoader.load(teacher).model.config
        config.depth = 4
        let path = Fixtures.scratch() + "/m.h5"
        _ = try HDF5CheckpointWriter.write(try SafetensorsFile(path: teacher).tensors, metadata: [ConfigSources.metadataKey: ConfigSources.metadataValue(config)],
                                           layout: .plain, scope: "", mainLayer: nil, to: path)
        #expect { try ModelLoader.load(path) } throws: { "\($0)".contains("depth = 4") }
    }

    @Test func kerasNamesFollowTransformersConversion() {
        let (name, axes) = KerasNames.pytorchName("tf_vi_t_for_image_classification/vit/encoder/layer_._3/attention/output/dense/kernel:0", rank: 2)
        #expect(name == "vit.encoder.layer.3.attention.output.dense.weight" && axes == [1, 0])
        #expect(KerasNames.pytorchName("m/vit/layernorm/beta:0", rank: 1).name == "vit.layernorm.bias")
        let tf = KerasNames.tfName("vit.embeddings.patch_embeddings.projection.weight", rank: 4, scope: "s")
        #expect(tf.layer == "vit" && tf.weight == "s/vit/embeddings/patch_embeddings/projection/kernel:0" && tf.axes == [2, 3, 1, 0])
        // HWIO → OIHW undoes OIHW → HWIO exactly.
        let t = Tensor(shape: [2, 3, 4, 5], floats: (0..<120).map(Float.init))
        #expect(t.permuted([2, 3, 1, 0]).permuted([3, 2, 0, 1]).bitwiseEqual(t))
        #expect(t.permuted([2, 3, 1, 0]).shape == [4, 5, 3, 2])
    }
}
