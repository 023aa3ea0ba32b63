import Foundation
import Graph
import Testing
@testable import Formats
import CJPEG
import TestSupport

/// Image decoding and preprocessing against goldens written by Pillow, timm and transformers
/// (samples/generate.py `preprocess` and `digits`), plus synthetic PNGs of every colour type.
@Suite struct ImageTests {
    /// Max |vitopt − golden| allowed after normalisation (the measured values are printed).
    /// Pillow rounds to UInt8 after each of its two resize passes and vitopt stays in Float, so a
    /// sample may differ by up to 2/255 before normalisation, 2/255/std after (0.0157 for std 0.5).
    /// Measured on photo.png: timm 0.0082, HF 0.0078 (≈ 1.05/255 and 1.0/255 of pixel range).
    static func tolerance(std: Float) -> Float { 2 / 255 / std }

    static func sample(_ rel: String) -> String { Fixtures.sample(rel) }

    // MARK: goldens

    @Test func jpegDecodeMatchesPillow() throws {
        let image = try ImageDecoder.decode(path: Self.sample("preprocess/photo.jpg"))
        let golden = try Fixtures.npy("preprocess/photo_jpg_rgb.npy")
        #expect(golden.shape == [200, 300, 3] && image.width == 300 && image.height == 200)
        let diff = zip(image.pixels, golden.bytes).map { abs(Int($0) - Int($1)) }.max() ?? -1
        print("JPEG decode vs PIL: max |diff| = \(diff)")
        #expect(diff == 0)
    }

    /// timm's eval transform for vit_tiny_patch16_224 (crop_pct 0.9 → Resize(248) bicubic,
    /// CenterCrop 224, mean/std 0.5: timm's ViT default, not ImageNet's) and transformers'
    /// `ViTImageProcessor` (224×224 bilinear, mean/std 0.5), both on photo.png.
    @Test(arguments: [
        ("timm_224", ViTConfig.Preprocessing.timm(size: [224, 224], cropPct: 0.9, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])),
        ("hf_224", .huggingFace(size: [224, 224])),
    ])
    func preprocessingMatchesGolden(golden name: String, preprocessing: ViTConfig.Preprocessing) throws {
        let golden = try Self.normalizedGolden(name)
        let x = try ImagePreprocessor.pixelValues(path: Self.sample("preprocess/photo.png"), preprocessing: preprocessing)
        #expect(x.shape == [1, 3, 224, 224] && golden.count == 3 * 224 * 224)
        let diff = maxAbsDiff(x.floatArray(), golden)
        print("\(name): max |diff| = \(diff) (\(diff * 255 * 0.5)/255 before normalisation)")
        #expect(diff <= Self.tolerance(std: 0.5))
    }

    /// A preprocessing golden: the committed uint8 pixels normalised exactly as the reference did
    /// (timm: ToTensor + Normalize, `(p/255 − 0.5)/0.5`; transformers 5: fused `(p − 127.5)/127.5`),
    /// which reproduces the reference's float32 output bit for bit (checked by samples/generate.py).
    static func normalizedGolden(_ name: String) throws -> [Float] {
        let p = try Fixtures.npy("preprocess/\(name)_pixels.npy").floatArray()
        return name.hasPrefix("hf") ? p.map { ($0 - 127.5) / 127.5 } : p.map { ($0 / 255 - 0.5) / 0.5 }
    }

    /// The 30 digit PNGs at their own size: no resampling, so the batch equals the golden inputs
    /// bit for bit (`(v / 255 − 0.5) / 0.5` in Float on both sides).
    @Test func digitsPNGsAreExact() throws {
        let labels = try Fixtures.npy("digits/test_y.npy").intArray()
        var paths: [String] = [], rows: [Int] = []
        for label in 0..<10 {
            let indices = labels.indices.filter { labels[$0] == label }.prefix(3)
            for (k, i) in indices.enumerated() { paths.append(Self.sample("digits/images/\(label)/\(k).png")); rows.append(i) }
        }
        let p = ViTConfig.Preprocessing(resize: [32, 32], resizeShorterSide: false, interpolation: "bilinear",
                                        crop: [32, 32], mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])
        let batch = try ImagePreprocessor.pixelValues(paths: paths, preprocessing: p)
        #expect(batch.shape == [30, 3, 32, 32])
        // The same rows from the committed uint8 test split, normalised by vitopt's raw-pixel path
        // (which ParityTests checks bit-exactly against PyTorch's input).
        let config = try ModelLoader.load(Self.sample("digits/timm/model.safetensors")).model.config
        let all = try InputLoader.load(Self.sample("digits/test_pixels.npy"), config: config).floatArray()
        let per = 3 * 32 * 32
        let expected = rows.flatMap { Array(all[$0 * per..<($0 + 1) * per]) }
        #expect(batch.floatArray() == expected)
    }

    /// Quantising vitopt's resize weights as each reference does reproduces the goldens' 8-bit
    /// pixels exactly: the weights, supports, pass order, crop offsets and the photo.png decode are
    /// right, and the Float path differs only by rounding. timm_224 is Pillow (22-bit weights);
    /// hf_224 comes from transformers v5, whose `ViTImageProcessor` is torchvision-backed (PyTorch's uint8
    /// antialiased bilinear, int16 weights) and differs from Pillow by ±1 in 200 samples.
    @Test func fixedPointEmulationReproducesGoldensExactly() throws {
        let photo = try ImageDecoder.decode(path: Self.sample("preprocess/photo.png"))
        let references: [(String, (Int, Int), ResampleFilter, Int?)] = [
            ("timm_224", (372, 248), .bicubic, 22), ("hf_224", (224, 224), .bilinear, nil)]
        for (name, size, filter, bits) in references {
            let resized = fixedPointResize8(photo, width: size.0, height: size.1, filter: filter, bits: bits)
            let cropped = ImageResampler.centerCrop(PlanarImage(resized), width: 224, height: 224)
            let golden = try Fixtures.npy("preprocess/\(name)_pixels.npy").floatArray()
            let mismatches = zip(cropped.values, golden).filter { $0 != $1 }.count
            #expect(mismatches == 0, "\(name): \(mismatches) of \(golden.count) samples differ")
        }
    }

    // MARK: synthetic PNGs

    /// Every PNG colour type and bit depth, plain and interlaced, decoded as Pillow's
    /// `convert("RGB")` would: alpha dropped, 16-bit → high byte, low-bit gray scaled.
    @Test(arguments: [false, true]) func pngColourTypes(interlaced: Bool) throws {
        let (w, h) = (13, 9)
        var rng = SplitMix(seed: 42)
        func samples(_ n: Int, max: Int) -> [Int] { (0..<n).map { _ in Int(rng.next() % UInt64(max + 1)) } }
        func gray(_ v: [Int], scale: Int) -> [UInt8] { v.flatMap { Array(repeating: UInt8(($0 * scale) & 0xFF), count: 3) } }
        let n = w * h
        func check(_ png: [UInt8], _ expected: [UInt8], _ what: String) throws {
            let image = try ImageDecoder.decode(bytes: png, name: what)
            #expect(image.width == w && image.height == h, "\(what)")
            #expect(image.pixels == expected, "\(what) interlaced=\(interlaced)")
        }
        for depth in [1, 2, 4, 8] {
            let v = samples(n, max: (1 << depth) - 1)
            try check(encodePNG(w, h, depth: depth, colour: 0, samples: v, interlaced: interlaced), gray(v, scale: 255 / ((1 << depth) - 1)), "gray\(depth)")
            let palette = samples(3 << depth, max: 255)
            let expected = v.flatMap { i in (0..<3).map { UInt8(palette[3 * i + $0]) } }
            try check(encodePNG(w, h, depth: depth, colour: 3, samples: v, interlaced: interlaced, palette: palette, trns: true), expected, "palette\(depth)")
        }
        for (colour, channels, hasAlpha) in [(0, 1, false), (4, 2, true), (2, 3, false), (6, 4, true)] {
            for depth in [8, 16] {
                let v = samples(n * channels, max: (1 << depth) - 1)
                let colourChannels = hasAlpha ? channels - 1 : channels
                let expected: [UInt8] = (0..<n).flatMap { i -> [UInt8] in
                    let px = (0..<colourChannels).map { UInt8(v[i * channels + $0] >> (depth - 8)) }
                    return px.count == 1 ? Array(repeating: px[0], count: 3) : px
                }
                try check(encodePNG(w, h, depth: depth, colour: colour, samples: v, interlaced: interlaced), expected, "type\(colour)/\(depth)")
            }
        }
    }

    /// A gray baseline and a progressive YCbCr JPEG written by libjpeg itself: gray is replicated
    /// to R = G = B; both decode close to their (smooth) source.
    @Test(arguments: [true, false]) func jpegGrayAndProgressive(gray: Bool) throws {
        let (w, h) = (37, 21)
        let source = (0..<w * h).flatMap { i -> [UInt8] in
            let (x, y) = (i % w, i / w)
            return gray ? [UInt8(x * 6 + y)] : [UInt8(x * 6), UInt8(y * 11), UInt8(200 - x - y)]
        }
        var cinfo = jpeg_compress_struct(), jerr = jpeg_error_mgr()
        cinfo.err = jpeg_std_error(&jerr)
        jpeg_CreateCompress(&cinfo, JPEG_LIB_VERSION, MemoryLayout<jpeg_compress_struct>.size)
        var out: UnsafeMutablePointer<UInt8>? = nil, size: UInt = 0
        jpeg_mem_dest(&cinfo, &out, &size)
        (cinfo.image_width, cinfo.image_height) = (JDIMENSION(w), JDIMENSION(h))
        (cinfo.input_components, cinfo.in_color_space) = gray ? (1, JCS_GRAYSCALE) : (3, JCS_RGB)
        jpeg_set_defaults(&cinfo)
        jpeg_set_quality(&cinfo, 95, 1)
        if !gray { jpeg_simple_progression(&cinfo) }
        jpeg_start_compress(&cinfo, 1)
        source.withUnsafeBufferPointer { src in
            for y in 0..<h {
                var row: JSAMPROW? = UnsafeMutablePointer(mutating: src.baseAddress! + y * w * Int(cinfo.input_components))
                jpeg_write_scanlines(&cinfo, &row, 1)
            }
        }
        jpeg_finish_compress(&cinfo)
        jpeg_destroy_compress(&cinfo)
        let bytes = Array(UnsafeBufferPointer(start: out, count: Int(size)))
        free(out)
        let image = try ImageDecoder.decode(bytes: bytes, name: gray ? "gray.jpg" : "progressive.jpg")
        #expect(image.width == w && image.height == h)
        let expected = gray ? source.flatMap { [$0, $0, $0] } : source
        let diff = zip(image.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 99
        #expect(diff <= 8, "max |decoded − source| = \(diff)")
        let p = image.pixels
        let replicated = (0..<w * h).allSatisfy { (i: Int) -> Bool in p[3 * i] == p[3 * i + 1] && p[3 * i] == p[3 * i + 2] }
        #expect(replicated || !gray)
    }

    // MARK: errors

    @Test func errorsNameTheFileAndNeverCrash() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vitopt-image-tests-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func file(_ name: String, _ bytes: [UInt8]) throws -> String {
            let url = dir.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url.path
        }
        let png = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.sample("preprocess/photo.png"))))
        let jpg = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.sample("preprocess/photo.jpg"))))
        let missing = dir.appendingPathComponent("nope.png").path
        let text = try file("notes.png", Array("hello, this is not an image\n".utf8))
        let cases: [(String, (ImageError) -> Bool)] = [
            (missing, { $0 == .fileNotFound(path: missing) }),
            (dir.path, { if case .unreadable(dir.path, _) = $0 { true } else { false } }),
            (text, { if case .unsupportedFormat(text, let m) = $0 { m.contains("68 65 6C 6C") && m.contains("text") } else { false } }),
            (try file("empty.jpg", []), { if case .unsupportedFormat(_, let m) = $0 { m.contains("empty") } else { false } }),
            (try file("half.png", Array(png.prefix(png.count / 2))), { if case .corrupt(_, "PNG", _) = $0 { true } else { false } }),
            (try file("header.png", Array(png.prefix(40))), { if case .corrupt(_, "PNG", _) = $0 { true } else { false } }),
            (try file("half.jpg", Array(jpg.prefix(jpg.count / 2))), { if case .corrupt(_, "JPEG", _) = $0 { true } else { false } }),
            (try file("header.jpg", Array(jpg.prefix(300))), { if case .corrupt(_, "JPEG", _) = $0 { true } else { false } }),
            (try file("flipped.png", png.enumerated().map { $0.offset == png.count / 2 ? ~$0.element : $0.element }),
             { if case .corrupt(_, "PNG", _) = $0 { true } else { false } }),
        ]
        for (path, matches) in cases {
            let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(path: path) }
            if let error {
                print("  \(error)")
                #expect(matches(error), "\(error)")
                #expect(error.description.hasPrefix(path), "\(error)")
            }
        }
        let bad = ViTConfig.Preprocessing(resize: [32], resizeShorterSide: true, interpolation: "lanczos", crop: [32], mean: [0.5], std: [0.5])
        #expect(throws: ImageError.self) { try ImagePreprocessor.pixelValues(path: Self.sample("preprocess/photo.png"), preprocessing: bad) }
    }

    // MARK: resampling rules

    @Test func resizeAndCropRules() {
        let timm = ViTConfig.Preprocessing.timm(size: [224, 224], cropPct: 0.9)
        #expect(ImagePreprocessor.resizedSize(width: 300, height: 200, preprocessing: timm) == (372, 248))
        #expect(ImagePreprocessor.resizedSize(width: 250, height: 333, preprocessing: timm) == (248, 330)) // 330.34 truncated
        for filter in ResampleFilter.allCases {
            for (inSize, outSize) in [(300, 224), (200, 248), (7, 3), (3, 7)] {
                let w = ResampleWeights(inSize: inSize, outSize: outSize, filter: filter)
                for o in 0..<outSize {
                    let sum = (0..<w.count[o]).reduce(Float(0)) { $0 + w.taps[o * w.stride + $1] }
                    #expect(abs(sum - 1) < 1e-6)
                    #expect(w.start[o] >= 0 && w.start[o] + w.count[o] <= inSize)
                }
            }
        }
        // Python round, half to even: an excess of 1 → offset 0, 3 → 2, 5 → 2, 4 → 2.
        let ramp = PlanarImage(width: 9, height: 6, channels: 1, values: (0..<54).map(Float.init))
        let a = ImageResampler.centerCrop(ramp, width: 8, height: 3)   // excess 1 wide, 3 high
        #expect(a[0, 0, 0] == ramp[0, 2, 0])
        let b = ImageResampler.centerCrop(ramp, width: 4, height: 1)   // excess 5 wide, 5 high
        #expect(b[0, 0, 0] == ramp[0, 2, 2])
        let padded = ImageResampler.centerCrop(ramp, width: 12, height: 6) // pad 1 left, 2 right
        #expect(padded[0, 0, 0] == 0 && padded[0, 0, 1] == ramp[0, 0, 0] && padded[0, 5, 10] == 0 && padded[0, 5, 9] == ramp[0, 5, 8])
        let same = ImageResampler.resize(ramp, width: 9, height: 6, filter: .bicubic)
        #expect(same == ramp)
    }
}

// MARK: - helpers

private func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "\(a.count) vs \(b.count) values")
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// 8-bit two-pass resampling on vitopt's `ResampleWeights`, quantised as the references do:
/// each weight rounded half away from zero to `bits`-bit fixed point, a ½ rounding offset, `>> bits`
/// and a clip to 0…255 after each pass (horizontal first). Pillow uses 22 bits; PyTorch's uint8
/// antialiased kernel (torchvision, transformers v5 image processors) uses int16 weights with the
/// most bits (≤ 22) that keep the largest weight below 2^15 (`bits: nil`).
private func fixedPointResize8(_ image: RGBImage, width: Int, height: Int, filter: ResampleFilter, bits: Int?) -> RGBImage {
    func quantised(_ r: ResampleWeights) -> (k: [Int], bits: Int) {
        var b = bits ?? 0
        if bits == nil, let wMax = r.weights.max() {
            while b < 22 && Int(0.5 + wMax * Double(1 << (b + 1))) < 1 << 15 { b += 1 }
        }
        return (r.weights.map { Int($0 * Double(1 << b) + ($0 < 0 ? -0.5 : 0.5)) }, b)
    }
    func clip8(_ v: Int, _ b: Int) -> UInt8 { UInt8(min(max(v >> b, 0), 255)) }
    var px = image.pixels, (w, h) = (image.width, image.height)
    if width != w {
        let r = ResampleWeights(inSize: w, outSize: width, filter: filter), (k, b) = quantised(r)
        px = (0..<h * width * 3).map { i in
            let (y, o, c) = (i / (width * 3), i / 3 % width, i % 3)
            return clip8((0..<r.count[o]).reduce(1 << (b - 1)) { $0 + k[o * r.stride + $1] * Int(px[(y * w + r.start[o] + $1) * 3 + c]) }, b)
        }
        w = width
    }
    if height != h {
        let r = ResampleWeights(inSize: h, outSize: height, filter: filter), (k, b) = quantised(r)
        px = (0..<height * w * 3).map { i in
            let (o, x, c) = (i / (w * 3), i / 3 % w, i % 3)
            return clip8((0..<r.count[o]).reduce(1 << (b - 1)) { $0 + k[o * r.stride + $1] * Int(px[((r.start[o] + $1) * w + x) * 3 + c]) }, b)
        }
        h = height
    }
    return RGBImage(width: w, height: h, pixels: px)
}

/// Deterministic test data.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A PNG encoder for tests: filter 0 scanlines, zlib "stored" blocks, optional Adam7.
/// `samples` holds every pixel's channel values row-major (a palette index for colour type 3).
private func encodePNG(_ width: Int, _ height: Int, depth: Int, colour: Int, samples: [Int], interlaced: Bool,
                       palette: [Int] = [], trns: Bool = false) -> [UInt8] {
    let channels = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colour]!
    func pixel(_ x: Int, _ y: Int) -> ArraySlice<Int> { samples[(y * width + x) * channels..<(y * width + x + 1) * channels] }
    func scanlines(_ xs: [Int], _ ys: [Int]) -> [UInt8] {
        guard !xs.isEmpty else { return [] }
        var out: [UInt8] = []
        for y in ys {
            out.append(0)
            var bits: [Int] = []
            for x in xs { bits += pixel(x, y) }
            if depth == 16 { for v in bits { out += [UInt8(v >> 8), UInt8(v & 0xFF)] }; continue }
            if depth == 8 { out += bits.map { UInt8($0) }; continue }
            let perByte = 8 / depth
            for start in Swift.stride(from: 0, to: bits.count, by: perByte) {
                var byte = 0
                for k in 0..<perByte { byte |= (start + k < bits.count ? bits[start + k] : 0) << (8 - depth * (k + 1)) }
                out.append(UInt8(byte))
            }
        }
        return out
    }
    let passes = interlaced ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)] : [(0, 0, 1, 1)]
    var raw: [UInt8] = []
    for (x0, y0, dx, dy) in passes {
        raw += scanlines(Array(Swift.stride(from: x0, to: width, by: dx)), Array(Swift.stride(from: y0, to: height, by: dy)))
    }
    func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
    var zlib: [UInt8] = [0x78, 0x01]
    for start in Swift.stride(from: 0, to: max(raw.count, 1), by: 65535) {
        let block = raw[start..<min(start + 65535, raw.count)]
        let n = UInt16(block.count)
        zlib += [start + 65535 >= raw.count ? 1 : 0, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8)] + block
    }
    var (a, b): (UInt32, UInt32) = (1, 0)
    for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
    zlib += be32(b << 16 | a)
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in body {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return be32(UInt32(data.count)) + body + be32(~crc)
    }
    var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    png += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [UInt8(depth), UInt8(colour), 0, 0, interlaced ? 1 : 0])
    if !palette.isEmpty { png += chunk("PLTE", palette.map { UInt8($0) }) }
    if trns { png += chunk("tRNS", (0..<palette.count / 3).map { UInt8(($0 * 37) & 0xFF) }) }
    png += chunk("IDAT", zlib) + chunk("IEND", [])
    return png
}
