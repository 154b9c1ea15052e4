import Foundation
import Testing
@testable import ComplexityFit

/// Degenerate input gives a named error that states the bad value and the valid range, never a fit.
@Suite struct DegenerateInputTests {
    let sizes = [256, 1024, 4096, 16384]
    var good: [[Double]] { sizes.map { _ in [1.0, 1.1, 0.9] } }

    func expectError(_ expected: ComplexityFitError, mentioning words: [String],
                     _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected \(expected), got a fit")
        } catch let error as ComplexityFitError {
            #expect(error == expected)
            for word in words { #expect(error.description.contains(word), "\(error.description) lacks \(word)") }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func fewerThanFourSizes() {
        expectError(.tooFewSizes(found: 3, required: 4), mentioning: ["3", "at least 4"]) {
            _ = try ScalingSeries(sizes: [1, 2, 3], replicates: [[1], [2], [3]])
        }
    }

    @Test func mismatchedLengths() {
        expectError(.mismatchedLengths(sizes: 4, replicateGroups: 3), mentioning: ["4 sizes", "3 replicate"]) {
            _ = try ScalingSeries(sizes: sizes, replicates: Array(good.prefix(3)))
        }
    }

    @Test func zeroAndNegativeValues() {
        var values = good
        values[2][1] = 0
        expectError(.nonPositiveValue(size: 4096, replicate: 1, value: 0), mentioning: ["0.0", "N = 4096", "> 0"]) {
            _ = try ScalingSeries(sizes: sizes, replicates: values)
        }
        values[2][1] = -3
        expectError(.nonPositiveValue(size: 4096, replicate: 1, value: -3), mentioning: ["-3.0", "> 0"]) {
            _ = try ComplexityFitter().analyse(sizes: sizes, replicates: values)
        }
    }

    @Test func nanAndInfinity() {
        var values = good
        values[0][2] = .nan
        expectError(.nonFiniteValue(size: 256, replicate: 2, value: .nan), mentioning: ["nan", "finite"]) {
            _ = try ScalingSeries(sizes: sizes, replicates: values)
        }
        values[0][2] = .infinity
        expectError(.nonFiniteValue(size: 256, replicate: 2, value: .infinity), mentioning: ["inf", "finite"]) {
            _ = try ScalingSeries(sizes: sizes, replicates: values)
        }
    }

    @Test func badSizes() {
        expectError(.nonPositiveSize(index: 0, size: 0), mentioning: ["N = 0", "N >= 1"]) {
            _ = try ScalingSeries(sizes: [0] + sizes.dropFirst(), replicates: good)
        }
        expectError(.duplicateSize(size: 1024), mentioning: ["1024", "distinct"]) {
            _ = try ScalingSeries(sizes: [256, 1024, 1024, 16384], replicates: good)
        }
        expectError(.noReplicates(size: 1024), mentioning: ["1024", "at least 1"]) {
            _ = try ScalingSeries(sizes: sizes, replicates: [[1], [], [1], [1]])
        }
    }

    @Test func badOptionsAndPredictionSizes() throws {
        var options = FitOptions()
        options.confidenceLevel = 1.5
        let series = try ScalingSeries(sizes: sizes, replicates: good)
        expectError(.invalidOption(name: "confidenceLevel", value: 1.5, validRange: "(0, 1)"), mentioning: ["1.5", "(0, 1)"]) {
            _ = try ComplexityFitter(options: options).analyse(series)
        }
        expectError(.invalidPredictionSize(size: -8), mentioning: ["-8"]) {
            _ = try ComplexityFitter().analyse(series, extrapolatingTo: [-8])
        }
    }

    /// A hand-edited JSON series is validated on decoding too.
    @Test func decodingValidates() {
        let json = #"{"sizes":[1,2,3],"replicates":[[1],[1],[1]]}"#
        expectError(.tooFewSizes(found: 3, required: 4), mentioning: ["3"]) {
            _ = try JSONDecoder().decode(ScalingSeries.self, from: Data(json.utf8))
        }
    }
}
