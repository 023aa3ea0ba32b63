/// Byte counts for people: `512 bytes`, `1.50 KB`, `187.51 GB` (decimal units, two decimals,
/// truncated, so that a request and a budget a little apart do not print alike).
enum ByteCountText {
    static func text(_ bytes: Int) -> String {
        let units: [(Int, String)] = [(1_000_000_000_000_000, "PB"), (1_000_000_000_000, "TB"), (1_000_000_000, "GB"),
                                      (1_000_000, "MB"), (1_000, "KB")]
        for (unit, name) in units where bytes >= unit {
            let hundredths = bytes / (unit / 100)
            let fraction = hundredths % 100
            return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(name)"
        }
        return "\(bytes) bytes"
    }
}
