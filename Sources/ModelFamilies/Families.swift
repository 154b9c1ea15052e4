import ComplexityFit
import MemoryModels
import NearestNeighbours
import SAMNumerics

/// The configuration of a family without temporal links: any link settings removed.
private func withoutLinks(_ c: ModelConfiguration) throws(ConfigurationError) -> ModelConfiguration {
    c.temporalLinks == nil ? c : try c.with(temporalLinks: .some(nil))
}

/// Dense Access Memory: a softmax over all N rows (SPEC's DAM). Claims D1-D5.
struct DAMFamily: ModelFamily {
    let name = "dam", label = "DAM", summary = "Dense Access Memory, a softmax over all N rows"
    let isVerified = true, readsSelectedRows = false, hasDenseFootprint = true
    let variants = [
        ProfiledVariant(name: "dam", label: "DAM", isSparse: false, colour: "#d62728", style: PlotStyle(7, 0.8, 1),
                        standardSizes: 8...20, quickSizes: 8...13,
                        claims: [ComplexityClaim("step-time", "D1+D2", .linear), ComplexityClaim("forward-time", "D1", .linear),
                                 ComplexityClaim("backward-time", "D2", .linear), ComplexityClaim("record-bytes", "D3", .linear),
                                 ComplexityClaim("reset-time", "D5", .linear)]),
    ]
    func configuration(_ c: ModelConfiguration) throws(ConfigurationError) -> ModelConfiguration { try withoutLinks(c) }
    func build<Scalar: ModelScalar>(_ c: ModelConfiguration, as: Scalar.Type) throws -> any MemoryModel<Scalar> {
        DAM<Scalar>(configuration: c)
    }
}

/// Sparse Access Memory: K neighbours per head through an index (SPEC's SAM); its dense twin is DAM.
/// Claims E1, K1, L1 (reads through each index), S1-S2 (backward, record), R1 (reset).
struct SAMFamily: ModelFamily {
    let name = "sam", label = "SAM", summary = "Sparse Access Memory, K neighbours per head through the index"
    let isVerified = true, readsSelectedRows = true
    let denseTwin: String? = "dam"
    /// SAM through one index: its read claim (proof, class) and the reset's class (R1: the index's update).
    private static func variant(_ index: IndexKind, _ suffix: String, _ label: String, read: (String, ComplexityClass),
                                reset: ComplexityClass, _ colour: String, _ style: PlotStyle) -> ProfiledVariant {
        ProfiledVariant(name: "sam-\(suffix)", label: "SAM (\(label))", index: index, isSparse: true, colour: colour, style: style,
                        standardSizes: 10...20, quickSizes: 10...16,
                        claims: [ComplexityClaim("step-time", read.0, read.1), ComplexityClaim("forward-time", read.0, read.1),
                                 ComplexityClaim("record-bytes", "S2", .constant), ComplexityClaim("backward-time", "S1", .constant),
                                 ComplexityClaim("reset-time", "R1", reset)])
    }
    let variants = [
        variant(.exact, "exact", "exact", read: ("E1", .linear), reset: .constant, "#1f77b4", PlotStyle(4, 1.8, 2)),
        variant(.kdtree, "kdtree", "k-d forest", read: ("K1", .logN), reset: .logN, "#2ca02c", PlotStyle(8, 1.3, 3)),
        variant(.lsh, "lsh", "LSH", read: ("L1", .linear), reset: .constant, "#9467bd", PlotStyle(12, 0.9, 4)),
        // The same randomised forest in flat arrays (K2): profiled beside FLANN's, whose bytes and update time it cuts.
        variant(.kdtreeCompact, "kdtree-compact", "compact k-d forest", read: ("K2", .logN), reset: .logN, "#17becf",
                PlotStyle(9, 1.3, 3)),
    ]
    func configuration(_ c: ModelConfiguration) throws(ConfigurationError) -> ModelConfiguration { try withoutLinks(c) }
    func build<Scalar: ModelScalar>(_ c: ModelConfiguration, as: Scalar.Type) throws -> any MemoryModel<Scalar> {
        try SAM<Scalar>(configuration: c)
    }
}

/// The bare controller: SAM's LSTM, interface and output layers with no memory (the step-time floor). Claim C1.
struct ControllerFamily: ModelFamily {
    let name = "controller", label = "controller", summary = "the bare controller with no memory, the step-time floor"
    let isVerified = false, readsSelectedRows = false
    let variants = [
        ProfiledVariant(name: "controller", label: "controller (no memory)", isSparse: false, colour: "#7f7f7f",
                        style: PlotStyle(1, 1.0, 5), standardSizes: 10...20, quickSizes: 10...16,
                        claims: [ComplexityClaim("step-time", "C1", .constant)]),
    ]
    func configuration(_ c: ModelConfiguration) throws(ConfigurationError) -> ModelConfiguration { try withoutLinks(c) }
    func build<Scalar: ModelScalar>(_ c: ModelConfiguration, as: Scalar.Type) throws -> any MemoryModel<Scalar> {
        BareController<Scalar>(configuration: c)
    }
}

/// The Sparse DNC: SAM's write and usage, reads mixing content with sparse temporal links (K_L = 8
/// profiled; min(8, N) when a configuration has none). Its dense twin is itself with K_L = N dense
/// links (the dense-link baseline "dnc-dense"). Claims SD1-SD3.
struct SDNCFamily: ModelFamily {
    let name = "sdnc", label = "SDNC", summary = "the Sparse DNC, SAM with sparse temporal links; dense mode compares it with its dense-link baseline"
    let isVerified = true, readsSelectedRows = true, inDefaultRuns = false
    let denseTwin: String? = "sdnc"
    let variants = [
        ProfiledVariant(name: "sdnc-kdtree", label: "SDNC (k-d forest)", index: .kdtree, temporalLinks: TemporalLinkSettings(entries: 8),
                        isSparse: true, colour: "#ff7f0e", style: PlotStyle(6, 1.3, 5), standardSizes: 10...20, quickSizes: nil,
                        claims: [ComplexityClaim("step-time", "SD1", .logN), ComplexityClaim("record-bytes", "SD2", .constant)]),
        ProfiledVariant(name: "sdnc-exact", label: "SDNC (exact)", temporalLinks: TemporalLinkSettings(entries: 8),
                        isSparse: true, colour: "#8c564b", style: PlotStyle(10, 1.3, 6), standardSizes: 10...16, quickSizes: nil,
                        claims: [ComplexityClaim("step-time", "SD1", .linear), ComplexityClaim("record-bytes", "SD2", .constant)]),
        // The dense-link baseline: the DNC's full N x N links and dense precedence (2·N² link scalars: to 2^12).
        ProfiledVariant(name: "dnc-dense", label: "DNC links (dense)", temporalLinks: TemporalLinkSettings(entries: 8, dense: true),
                        isSparse: false, colour: "#e377c2", style: PlotStyle(5, 1.0, 7), standardSizes: 8...12, quickSizes: nil,
                        claims: [ComplexityClaim("record-bytes", "SD2", .constant), ComplexityClaim("peak-resident", "SD3", .quadratic)]),
    ]
    func configuration(_ c: ModelConfiguration) throws(ConfigurationError) -> ModelConfiguration {
        c.temporalLinks == nil ? try c.with(temporalLinks: TemporalLinkSettings(entries: min(8, c.memoryWords))) : c
    }
    func build<Scalar: ModelScalar>(_ c: ModelConfiguration, as: Scalar.Type) throws -> any MemoryModel<Scalar> {
        try SDNC<Scalar>(configuration: c)
    }
}
