import SAMNumerics

/// Builds the index of the given kind; the one switch every command and model goes through.
public func makeIndex<Scalar: ModelScalar>(kind: IndexKind, settings: IndexSettings, epsilon: Scalar,
                                           k: Int) throws(IndexSettingsError) -> any NearestNeighbourIndex<Scalar> {
    switch kind {
    case .exact:
        return ExactIndex<Scalar>(epsilon: epsilon)
    case .kdtree, .lsh:
        try settings.validate(k: k)
        throw .outOfRange(field: "index", value: kind.rawValue, valid: "exact (kdtree and lsh are not built yet)")
    }
}
