import Foundation
import Graph

/// Makes sure OpenBLAS runs the kernels this CPU supports (see `BLASCore`): when it fell back to
/// generic kernels and the user did not choose a core, set `OPENBLAS_CORETYPE` and restart the
/// process once, with the same arguments, before anything else happens.
enum BLASEnvironment {
    static let guardVariable = "VITOPT_BLAS_CORE_SET"

    static func ensureVectorKernels() {
        let env = ProcessInfo.processInfo.environment
        guard env["OPENBLAS_CORETYPE"] == nil, env[guardVariable] == nil, BLASCore.isUsingFallbackCore,
              let core = BLASCore.recommendedCoreType() else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(guardVariable, "1", 1)
        let args = CommandLine.arguments
        var cargs = args.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &cargs)
        // exec failed: carry on with the fallback kernels.
        unsetenv("OPENBLAS_CORETYPE")
    }
}
