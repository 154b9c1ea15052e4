/// The one syntax of every size given by a person (command-line options, case files, measurement
/// files): a decimal whole number `n` or a power `b^k` (e.g. `2^20`), and checked products of sizes.
public enum SizeSyntax {
    /// A size that cannot be represented: `Int.max`, so every range check rejects it.
    public static let overflow = Int.max

    /// Parses `n` or `b^k` (`b`, `k` ≥ 0, decimal). A value too large for `Int` becomes
    /// ``overflow`` (out of every valid range); text that is neither form gives `nil`.
    public static func parse<S: StringProtocol>(_ text: S) -> Int? {
        var string = String(text)
        while string.first == " " { string.removeFirst() }
        while string.last == " " { string.removeLast() }
        guard let caret = string.firstIndex(of: "^") else {
            if let n = Int(string) { return n }
            // All digits but too long for Int: a size out of every range, not a non-number.
            return !string.isEmpty && string.allSatisfy(\.isASCIIDigit) ? overflow : nil
        }
        let baseText = string[..<caret], exponentText = string[string.index(after: caret)...]
        guard !baseText.isEmpty, !exponentText.isEmpty, baseText.allSatisfy(\.isASCIIDigit),
              exponentText.allSatisfy(\.isASCIIDigit) else { return nil }
        guard let base = Int(baseText) else { return overflow }
        guard let exponent = Int(exponentText) else { return base <= 1 ? base : overflow }
        var power = 1
        for _ in 0..<exponent {
            if base <= 1 { return base }
            let (product, overflowed) = power.multipliedReportingOverflow(by: base)
            if overflowed { return overflow }
            power = product
        }
        return power
    }

    /// The product of `factors`, or `nil` when it overflows `Int` (or a factor is negative).
    public static func product(_ factors: Int...) -> Int? { product(factors) }

    /// The product of `factors`, or `nil` when it overflows `Int` (or a factor is negative).
    public static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (p, overflowed) = result.multipliedReportingOverflow(by: f)
            if overflowed { return nil }
            result = p
        }
        return result
    }

    /// The sum of `terms`, or `nil` when it overflows `Int`.
    public static func sum(_ terms: [Int?]) -> Int? {
        var result = 0
        for t in terms {
            guard let t else { return nil }
            let (s, overflowed) = result.addingReportingOverflow(t)
            if overflowed { return nil }
            result = s
        }
        return result
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
