import Foundation
import Formats
import Graph

/// A resumable training state: parameters, AdamW moments, the step counter, and the settings and
/// config it belongs to, in one safetensors file written atomically (`SafetensorsWriter`).
/// Tensors: `values`, `adam_m`, `adam_v` (flat fp32, `ParameterSet` order); metadata: `vitopt.config`,
/// `vitopt.distill.settings` (JSON) and `vitopt.distill.step`.
public enum TrainingCheckpoint {
    static let settingsKey = "vitopt.distill.settings"
    static let stepKey = "vitopt.distill.step"

    public static func write(model: any TrainableStudent, optimizer: AdamW, settings: DistillSettings, to path: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let meta = model.checkpointMetadata.merging([
                    settingsKey: String(decoding: try enc.encode(settings), as: UTF8.self),
                    stepKey: String(optimizer.step), "format": "vitopt-distill-checkpoint"]) { $1 }
        try SafetensorsWriter.write(["values": model.trainableParameters.values, "adam_m": optimizer.m, "adam_v": optimizer.v],
                                    metadata: meta, to: path)
    }

    /// Restores `model` and `optimizer` from `path`.
    /// - Throws: `DistillError.checkpoint` when the file is not a checkpoint of this model and these settings.
    public static func restore(_ path: String, model: any TrainableStudent, optimizer: AdamW, settings: DistillSettings) throws {
        let file: SafetensorsFile
        do { file = try SafetensorsFile(path: path) } catch { throw DistillError.checkpoint(path: path, detail: "\(error)") }
        guard let text = file.metadata[settingsKey], let stepText = file.metadata[stepKey], let step = Int(stepText) else {
            throw DistillError.checkpoint(path: path, detail: "not a vitopt distill checkpoint (no \(settingsKey)/\(stepKey) metadata)")
        }
        let saved = try JSONDecoder().decode(DistillSettings.self, from: Data(text.utf8))
        let differences = try Self.differences(saved, settings)
        // More epochs extend a run (the learning-rate schedule is laid out again over the new total from this
        // step on); every other setting must match.
        let blocking = differences.filter { !($0.key == "epochs" && settings.epochs >= saved.epochs) }
        guard blocking.isEmpty else {
            let list = blocking.map { "\($0.key) \($0.saved) in the checkpoint, \($0.given) now" }.joined(separator: "; ")
            throw DistillError.checkpoint(path: path, detail: "written with different settings: \(list); resume with the same options (only --epochs may grow)")
        }
        if let why = model.checkpointMismatch(file.metadata) { throw DistillError.checkpoint(path: path, detail: why) }
        for (name, dst) in [("values", model.trainableParameters.values), ("adam_m", optimizer.m), ("adam_v", optimizer.v)] {
            guard let t = file.tensors[name], t.dtype == .f32, t.shape == dst.shape else {
                throw DistillError.checkpoint(path: path, detail: "tensor '\(name)' missing or not f32 \(dst.shape)")
            }
            t.withFloats { src in dst.withMutableFloats { d in _ = d.update(fromContentsOf: src) } }
        }
        optimizer.step = step
    }

    /// The settings that differ between `a` (saved) and `b` (given), by their JSON keys (nested keys dotted).
    static func differences(_ a: DistillSettings, _ b: DistillSettings) throws -> [(key: String, saved: String, given: String)] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let ja = try JSONSerialization.jsonObject(with: enc.encode(a)), jb = try JSONSerialization.jsonObject(with: enc.encode(b))
        var out: [(String, String, String)] = []
        func text(_ v: Any?) -> String {
            guard let v else { return "unset" }
            return (try? JSONSerialization.data(withJSONObject: v, options: [.fragmentsAllowed, .sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "\(v)"
        }
        func walk(_ x: Any?, _ y: Any?, _ path: String) {
            if let dx = x as? [String: Any], let dy = y as? [String: Any] {
                for k in Set(dx.keys).union(dy.keys).sorted() { walk(dx[k], dy[k], path.isEmpty ? k : "\(path).\(k)") }
            } else if text(x) != text(y) {
                out.append((path, text(x), text(y)))
            }
        }
        walk(ja, jb, "")
        return out
    }
}
