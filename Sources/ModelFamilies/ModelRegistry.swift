/// The one list of model families. Every tool (`verify`, `profile`, `report`, `gate`, `train`, case
/// files, `info --record-bytes`) enumerates families and their profiled variants from here; a new
/// family is one `ModelFamily` conformance and one entry below. The order is the reports' (DAM first).
public enum ModelRegistry {
    /// Every family, in report order.
    public static let families: [any ModelFamily] = [DAMFamily(), SAMFamily(), ControllerFamily(), SDNCFamily()]

    /// Every profiled variant with its family, in report order.
    public static let variants: [(variant: ProfiledVariant, family: any ModelFamily)] =
        families.flatMap { f in f.variants.map { (variant: $0, family: f) } }

    /// The family named `name`, nil if none.
    public static func family(named name: String) -> (any ModelFamily)? { families.first { $0.name == name } }
    /// The variant named `name` and its family, nil if none.
    public static func variant(named name: String) -> (variant: ProfiledVariant, family: any ModelFamily)? {
        variants.first { $0.variant.name == name }
    }
    /// The report-order position of the variant named `name` (after all if none).
    static func position(of name: String) -> Int { variants.firstIndex { $0.variant.name == name } ?? variants.count }

    /// The names of the families satisfying `condition`, for messages and `--help` ("sam, dam or sdnc").
    public static func names(where condition: (any ModelFamily) -> Bool = { _ in true }) -> [String] {
        families.filter(condition).map(\.name)
    }
}

// Names for the code that means one particular family or variant (a check, a headline figure).
extension ModelKind {
    public static let sam = ModelKind(registered: "sam")
    public static let dam = ModelKind(registered: "dam")
    public static let sdnc = ModelKind(registered: "sdnc")
}

extension ProfiledModel {
    public static let dam = ProfiledModel(registered: "dam")
    public static let samExact = ProfiledModel(registered: "sam-exact")
    public static let samKDTree = ProfiledModel(registered: "sam-kdtree")
    public static let samLSH = ProfiledModel(registered: "sam-lsh")
    public static let samKDTreeCompact = ProfiledModel(registered: "sam-kdtree-compact")
    public static let controller = ProfiledModel(registered: "controller")
    public static let sdncKDTree = ProfiledModel(registered: "sdnc-kdtree")
    public static let sdncExact = ProfiledModel(registered: "sdnc-exact")
    public static let dncDense = ProfiledModel(registered: "dnc-dense")
}
