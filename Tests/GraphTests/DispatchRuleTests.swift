import Testing
@testable import Graph

/// The fp32 kernels' CPU dispatch: the AVX-512 path is compiled for AVX512F and AVX512DQ (vecmath.c's
/// 512-bit and/or/andnot and extractf32x8 are DQ instructions), so a CPU with F alone must not get it.
@Suite struct DispatchRuleTests {
    @Test(arguments: [
        (true, true, true, true, FloatGEMM.Path.avx512),
        (true, false, true, true, .avx2),   // AVX512F without DQ (Knights Landing): SIGILL before the fix
        (true, false, false, false, .scalar),
        (false, true, true, true, .avx2),
        (false, false, true, false, .scalar),
        (false, false, false, true, .scalar),
    ])
    func avx512NeedsFAndDQ(f: Bool, dq: Bool, avx2: Bool, fma: Bool, want: FloatGEMM.Path) {
        #expect(FloatGEMM.path(avx512f: f, avx512dq: dq, avx2: avx2, fma: fma) == want)
    }

    #if os(Linux) && arch(x86_64)
    /// The detected path is the rule applied to this CPU's flags.
    @Test func detectionFollowsTheRule() throws {
        let flags = try #require(BLASCore.cpuFlags())
        let want = FloatGEMM.path(avx512f: flags.contains("avx512f"), avx512dq: flags.contains("avx512dq"),
                                  avx2: flags.contains("avx2"), fma: flags.contains("fma"))
        #expect(FloatGEMM.bestPath == want)
    }
    #endif
}
