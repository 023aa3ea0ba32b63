/// NumPy broadcasting arithmetic on concrete shapes.
public enum Broadcast {
    /// The broadcast shape of `a` and `b` (callers have validated compatibility).
    public static func shape(_ a: [Int], _ b: [Int]) -> [Int] {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        return zip(pa, pb).map { max($0, $1) == 0 || min($0, $1) == 0 ? 0 : max($0, $1) }
    }

    /// Whether `small` (left-padded with 1s) is 1 on a leading run of axes and equal to `full` after it,
    /// so that it repeats every `small.count` elements of `full`.
    public static func isTrailing(_ small: [Int], of full: [Int]) -> Bool {
        let padded = [Int](repeating: 1, count: full.count - small.count) + small
        var i = 0
        while i < padded.count && padded[i] == 1 && full[i] != 1 { i += 1 }
        return Array(padded[i...]) == Array(full[i...])
    }

    /// Element strides of `shape` broadcast into `full` (0 along broadcast axes).
    public static func strides(_ shape: [Int], into full: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: full.count - shape.count) + shape
        var strides = [Int](repeating: 0, count: full.count)
        var s = 1
        for d in stride(from: full.count - 1, through: 0, by: -1) {
            strides[d] = padded[d] == 1 ? 0 : s
            s *= padded[d]
        }
        return strides
    }
}
