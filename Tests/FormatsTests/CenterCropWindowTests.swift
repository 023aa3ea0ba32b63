import Foundation
import Graph
import Testing
import TestSupport
@testable import Formats

/// `ImageResampler.resizeAndCenterCrop` (only the crop computed) against the whole-image route it
/// replaces, `centerCrop(resize(…))`: bit for bit, on random images of many sizes and aspects, both
/// filters, axes that grow, shrink or stay, crops smaller and larger than the resized image.
@Suite("Center crop window")
struct CenterCropWindowTests {
    /// The whole-image route: resize every sample, then crop (zero padding where the crop is larger).
    static func reference(_ image: RGBImage, width: Int, height: Int, filter: ResampleFilter,
                          cropWidth: Int, cropHeight: Int) -> PlanarImage {
        let resized = ImageResampler.resize(PlanarImage(image), width: width, height: height, filter: filter)
        return ImageResampler.centerCrop(resized, width: cropWidth, height: cropHeight)
    }

    private static func randomImage(width: Int, height: Int, _ rng: inout SeededGenerator) -> RGBImage {
        RGBImage(width: width, height: height, pixels: (0..<width * height * 3).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
    }

    /// Index of the first sample whose bits differ, or nil.
    static func firstDifference(_ a: PlanarImage, _ b: PlanarImage) -> Int? {
        guard a.width == b.width, a.height == b.height, a.channels == b.channels else { return -1 }
        return a.values.indices.first { a.values[$0].bitPattern != b.values[$0].bitPattern }
    }

    @Test("bit-identical to resizing the whole image then cropping", arguments: ResampleFilter.allCases)
    func matchesWholeImageRoute(filter: ResampleFilter) {
        var rng = SeededGenerator(seed: filter == .bicubic ? 7 : 11)
        func side(_ upTo: Int) -> Int { 1 + Int(rng.next() % UInt64(upTo)) }
        var checked = 0, padded = 0, unchangedAxis = 0
        for trial in 0..<400 {
            // Every fourth image is a thin strip (up to 1:120), the rest up to 48 × 48.
            let (w, h) = trial % 4 == 3 ? (trial % 8 == 3 ? (side(120), side(3)) : (side(3), side(120))) : (side(48), side(48))
            let image = Self.randomImage(width: w, height: h, &rng)
            // Resize targets: sometimes the same size on an axis (copied, not filtered).
            let rw = rng.next() % 5 == 0 ? w : side(64), rh = rng.next() % 5 == 0 ? h : side(64)
            let cw = side(rw + 8), ch = side(rh + 8)
            let got = ImageResampler.resizeAndCenterCrop(image, width: rw, height: rh, filter: filter, cropWidth: cw, cropHeight: ch)
            let want = Self.reference(image, width: rw, height: rh, filter: filter, cropWidth: cw, cropHeight: ch)
            let at = Self.firstDifference(got, want)
            #expect(at == nil, "\(w)×\(h) → \(rw)×\(rh), crop \(cw)×\(ch): first difference at \(at ?? 0)")
            checked += 1
            if cw > rw || ch > rh { padded += 1 }
            if rw == w || rh == h { unchangedAxis += 1 }
        }
        // The random sizes reach the cases the window has to get right.
        #expect(checked == 400 && padded > 40 && unchangedAxis > 40, "padded \(padded), unchanged axis \(unchangedAxis)")
    }

    /// The recipes a config can ask for, on random photos of several shapes: `pixelValues(image:)`
    /// equals normalising the whole-image route, for shorter-side and exact resizes.
    @Test("preprocessing equals the whole-image route", arguments: [
        ViTConfig.Preprocessing.timm(size: [24, 24], cropPct: 0.9),
        .timm(size: [16, 16], cropPct: 1),
        .huggingFace(size: [20, 28]),
        ViTConfig.Preprocessing(resize: [9], resizeShorterSide: true, interpolation: "bilinear", crop: [12, 10],
                                mean: [0.5, 0.5, 0.5], std: [0.25, 0.5, 1]),
        ViTConfig.Preprocessing(resize: [30, 7], resizeShorterSide: false, interpolation: "bicubic", crop: [16, 16],
                                mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]),
    ])
    func recipesMatchWholeImageRoute(_ p: ViTConfig.Preprocessing) throws {
        var rng = SeededGenerator(seed: 3)
        let recipe = try ImagePreprocessor.Recipe(p)
        for (w, h) in [(37, 23), (23, 37), (24, 24), (100, 5), (5, 100), (1, 1), (9, 12), (300, 200)] {
            let image = Self.randomImage(width: w, height: h, &rng)
            let got = try ImagePreprocessor.pixelValues(image: image, preprocessing: p).floatArray()
            let size = ImagePreprocessor.resizedSize(width: w, height: h, preprocessing: p)
            let crop = Self.reference(image, width: size.width, height: size.height, filter: recipe.filter,
                                      cropWidth: recipe.cropWidth, cropHeight: recipe.cropHeight)
            let plane = recipe.cropWidth * recipe.cropHeight
            let want = crop.values.enumerated().map { i, v in (v / 255 - recipe.mean[i / plane]) / recipe.std[i / plane] }
            let differing = zip(got, want).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(got.count == want.count && differing == 0, "\(w)×\(h) with \(p): \(differing) of \(want.count) samples differ")
        }
    }

    /// The goldens' photo through the recipes of `ImageTests.preprocessingMatchesGolden`: the
    /// same floats as before, so the golden comparisons there measure the same thing.
    @Test("photo.png: the golden recipes give the whole-image route's floats")
    func photoMatchesWholeImageRoute() throws {
        let photo = try ImageDecoder.decode(path: Fixtures.sample("preprocess/photo.png"))
        for (size, filter) in [((372, 248), ResampleFilter.bicubic), ((224, 224), .bilinear)] {
            let got = ImageResampler.resizeAndCenterCrop(photo, width: size.0, height: size.1, filter: filter, cropWidth: 224, cropHeight: 224)
            let want = Self.reference(photo, width: size.0, height: size.1, filter: filter, cropWidth: 224, cropHeight: 224)
            #expect(Self.firstDifference(got, want) == nil, "\(size) \(filter)")
        }
    }

    @Test("the crop span follows torchvision's rounding and padding")
    func cropSpan() {
        // Python round, half to even: an excess of 1 → 0, 3 → 2, 5 → 2, 4 → 2.
        for (size, crop, origin) in [(9, 8, 0), (9, 6, 2), (9, 4, 2), (6, 2, 2), (6, 6, 0)] {
            let s = CenterCropSpan(size: size, crop: crop)
            #expect(s.origin == origin && s.kept == origin..<origin + crop, "\(size), \(crop)")
        }
        // Larger crops: (crop − size) // 2 zeros before, the whole axis kept.
        for (size, crop, origin) in [(9, 12, -1), (9, 13, -2), (1, 224, -111)] {
            let s = CenterCropSpan(size: size, crop: crop)
            #expect(s.origin == origin && s.kept == 0..<size, "\(size), \(crop)")
        }
    }
}
