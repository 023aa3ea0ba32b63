import Graph

/// Turns image files into a ViT's `pixel_values`, following a `ViTConfig.Preprocessing` recipe the
/// way timm/torchvision and Hugging Face do on PIL images.
///
/// Steps, for each image:
/// 1. Decode to 8-bit RGB (`ImageDecoder`, pixel-identical to Pillow's `convert("RGB")`).
/// 2. Resize (`ImageResampler.resize`, Pillow's filter named by `interpolation`). With
///    `resizeShorterSide` (torchvision `Resize(int)`): the shorter side becomes `resize[0]` and the
///    longer `Int(Double(resize[0] · long) / Double(short))`, truncated as torchvision does;
///    otherwise the image becomes exactly `resize = [h, w]` (a single value means a square).
///    An unchanged size is not filtered (Pillow returns a copy).
/// 3. Center-crop to `crop = [h, w]` (`ImageResampler.centerCrop`, torchvision's rounding, zero
///    padding when the crop is larger).
/// 4. Normalise in `Float`: `(v / 255 − mean[c]) / std[c]`, channel-first (torchvision
///    `ToTensor` + `Normalize`, HF `rescale` + `normalize`).
///
/// Steps 2 and 3 run as one (`ImageResampler.resizeAndCenterCrop`, bit-identical to resizing then
/// cropping): only the resized samples inside the crop are computed, so work and memory follow the
/// crop and the input rows under it, not the resized size (timm's 224 recipe resizes a 65476×1280
/// panorama to 13095×256 and computes 224×224 of it). The decoded 8-bit image itself is whole:
/// 3 bytes per pixel, up to `ImageDecoder`'s pixel limit.
///
/// **Tolerance.** The resize weights are exactly Pillow's (and PyTorch's antialiased kernel's, which
/// share them); what differs is quantisation: Pillow rounds to `UInt8` after each pass (22-bit
/// fixed-point weights), PyTorch's uint8 kernel likewise with int16 weights, vitopt stays in `Float`.
/// Samples therefore differ by up to ~2/255 before normalisation, 2/255/std after (0.0157 for std
/// 0.5, 0.035 for ImageNet's 0.224). Measured on samples/preprocess/photo.png: 1.05/255 against
/// timm (Pillow bicubic) and 1.0/255 against transformers v5 `ViTImageProcessor` (torchvision
/// bilinear). With no resize (sizes already equal) the result is exact to `Float` rounding.
public enum ImagePreprocessor {
    /// `pixel_values` for one image file.
    /// - Parameters:
    ///   - path: a PNG or JPEG file.
    ///   - preprocessing: the recipe (see the type's steps).
    /// - Returns: an F32 tensor `[1, 3, crop[0], crop[1]]`.
    /// - Throws: `ImageError` — the decoder's errors naming `path`, or `.invalidPreprocessing`.
    public static func pixelValues(path: String, preprocessing: ViTConfig.Preprocessing) throws(ImageError) -> Tensor {
        try pixelValues(paths: [path], preprocessing: preprocessing)
    }

    /// `pixel_values` for a batch of image files, in order.
    /// - Parameters:
    ///   - paths: PNG or JPEG files (any sizes; each is resized and cropped on its own).
    ///   - preprocessing: the recipe.
    /// - Returns: an F32 tensor `[paths.count, 3, crop[0], crop[1]]`.
    /// - Throws: the first `ImageError` met, naming its file.
    public static func pixelValues(paths: [String], preprocessing: ViTConfig.Preprocessing) throws(ImageError) -> Tensor {
        let recipe = try Recipe(preprocessing)
        let out = Tensor(zeros: .f32, shape: [paths.count, 3, recipe.cropHeight, recipe.cropWidth])
        let dst = out.mutableFloats
        for (n, path) in paths.enumerated() {
            let image = try ImageDecoder.decode(path: path)
            do {
                try recipe.apply(image, into: dst + n * recipe.sampleCount)
            } catch .invalidPreprocessing(let detail) {
                throw .unsupportedImage(path: path, format: "image", detail: detail)
            }
        }
        return out
    }

    /// `pixel_values` for an already-decoded image.
    /// - Returns: an F32 tensor `[1, 3, crop[0], crop[1]]`.
    /// - Throws: `ImageError.invalidPreprocessing` (bad recipe or an empty image).
    public static func pixelValues(image: RGBImage, preprocessing: ViTConfig.Preprocessing) throws(ImageError) -> Tensor {
        let recipe = try Recipe(preprocessing)
        let out = Tensor(zeros: .f32, shape: [1, 3, recipe.cropHeight, recipe.cropWidth])
        try recipe.apply(image, into: out.mutableFloats)
        return out
    }

    /// The size `[h, w]` the resize step produces for an image of `width × height`.
    static func resizedSize(width: Int, height: Int, preprocessing: ViTConfig.Preprocessing) -> (width: Int, height: Int) {
        let r = preprocessing.resize
        guard preprocessing.resizeShorterSide else {
            return r.count == 1 ? (r[0], r[0]) : (r[1], r[0])
        }
        let short = min(width, height), long = max(width, height)
        let newLong = Int(Double(r[0] * long) / Double(short))
        return width <= height ? (r[0], newLong) : (newLong, r[0])
    }
}
