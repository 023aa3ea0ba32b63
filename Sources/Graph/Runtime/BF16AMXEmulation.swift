internal import CBF16GEMM

/// The AMX-BF16 kernel's tile program run on a portable model of the tile instructions: a test-only path,
/// never dispatched, so that the kernel is verified on CPUs without AMX. The model follows the even-then-odd
/// `TDPBF16PS` order stated in `amx_tiles.h`, bit for bit; the hardware is held to `BF16GEMM.amxBound`.
enum BF16AMXEmulation {
    /// `BF16GEMM.multiply`'s product for panels `panels` on bf16 rows `a` (stride `lda`, pad zero), through the
    /// emulated tile program; the epilogue as the other paths (a residual of `[m][n]` floats with `.residual`).
    static func run(_ a: UnsafePointer<UInt16>, lda: Int, m: Int, k: Int, packed: Tensor, n: Int, bias: UnsafePointer<Float>?,
                    epilogue: FloatGEMM.Epilogue = .none, into c: UnsafeMutablePointer<Float>, panels: Range<Int>) throws(AMXEmulatorFault) {
        let (code, residual) = BF16GEMM.cEpilogue(epilogue)
        let fault = vitopt_bf16_gemm_amx_emulated(Int32(m), Int32(n), Int32(k), a, Int32(lda), packed.rawPointer.assumingMemoryBound(to: UInt16.self),
                                                  bias, code, residual, c, Int32(n), Int32(panels.lowerBound), Int32(panels.upperBound))
        if fault != 0 { throw AMXEmulatorFault(code: fault) }
    }

    /// The hardware path's first-use self-check, run on the emulated kernel (true: passed).
    static var selfCheckPasses: Bool { vitopt_bf16_amx_emulated_self_check() == 1 }
}
