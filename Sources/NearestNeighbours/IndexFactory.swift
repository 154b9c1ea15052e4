import SAMNumerics

/// Builds the index of the given kind; the one switch every command and model goes through.
///
/// For every kind but `.exact` the settings are validated first (`k` is the number of neighbours
/// that will be queried), and a bad field throws `IndexSettingsError.outOfRange` naming it.
/// The exact index has no settings. The returned index must be built (`build(from:)`) before use.
public func makeIndex<Scalar: ModelScalar>(kind: IndexKind, settings: IndexSettings, epsilon: Scalar,
                                           k: Int) throws(IndexSettingsError) -> any NearestNeighbourIndex<Scalar> {
    switch kind {
    case .exact:
        return ExactIndex<Scalar>(epsilon: epsilon)
    case .kdtree:
        try settings.validate(k: k)
        return KDForestIndex<Scalar>(settings: settings, epsilon: epsilon)
    case .lsh:
        try settings.validate(k: k)
        return LSHIndex<Scalar>(settings: settings, epsilon: epsilon)
    case .hnsw:
        try settings.validate(k: k)
        return HNSWIndex<Scalar>(settings: settings, epsilon: epsilon)
    case .kdtreeCompact:
        try settings.validate(k: k)
        return CompactKDForestIndex<Scalar>(settings: settings, epsilon: epsilon)
    }
}
