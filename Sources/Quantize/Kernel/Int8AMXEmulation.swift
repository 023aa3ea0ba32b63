internal import CInt8GEMM
import Graph

/// The AMX int8 kernel's tile program run on a portable model of the tile instructions: a test-only
/// path, never dispatched (it is not an `Int8KernelPath`), so that the kernel is verified bit-exact on
/// CPUs without AMX. Same operands and contract as `Int8GEMM.run`/`runRaw`, for panels `panels`.
enum Int8AMXEmulation {
    /// A fault the hardware would have raised on the kernel's tile program.
    typealias Fault = AMXEmulatorFault

    /// Whether this CPU runs the AVX-512 epilogue the hardware path uses (every AMX CPU does).
    static var simdEpilogueSupported: Bool { vitopt_i8_amx_simd_epilogue_supported() != 0 }

    /// `raw`: int32 accumulators into `c` (Int32, stride `ldc`); else the fp32 epilogue (plus `residual`),
    /// in AVX-512 (`simdEpilogue`, as on the hardware; only where `simdEpilogueSupported`) or scalar code.
    static func run(_ a: QuantizedRows, _ w: PackedWeights, raw: Bool, into c: UnsafeMutableRawPointer, ldc: Int,
                    residual: UnsafePointer<Float>? = nil, panels: Range<Int>, simdEpilogue: Bool) throws(Fault) {
        let aPtr = a.values.rawPointer.assumingMemoryBound(to: UInt8.self)
        let zp = a.zeroPoints.rawPointer.assumingMemoryBound(to: Int32.self)
        let code = vitopt_i8_gemm_amx_emulated(raw ? 1 : 0, Int32(a.rows), Int32(w.inFeatures), Int32(w.outFeatures), aPtr,
                                               Int32(a.paddedK), zp, a.scales.floats, UnsafeRawPointer(w.storage.base),
                                               Int32(panels.lowerBound), Int32(panels.upperBound), c, Int32(ldc), residual,
                                               simdEpilogue ? 1 : 0)
        if code != 0 { throw Fault(code: code) }
    }

    /// The emulator's LDTILECFG check of a 64-byte configuration: nil when valid, else the #GP fault.
    static func checkConfiguration(_ bytes: [UInt8]) -> Fault? {
        precondition(bytes.count == 64, "a tile configuration is 64 bytes")
        let code = bytes.withUnsafeBytes { vitopt_amx_emu_check_config($0.baseAddress) }
        return code == 0 ? nil : Fault(code: code)
    }
}
