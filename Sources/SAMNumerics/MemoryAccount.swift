/// One line of a model's memory account: a named part and the bytes it holds (issue 14, "know where
/// every byte goes"). Bytes are what the part holds as allocated and written, not an estimate from
/// the configuration (`ModelFootprint` is that).
public struct MemoryAccountEntry: Codable, Sendable, Equatable {
    /// What the bytes are, e.g. "memory M (N x W)".
    public let part: String
    public let bytes: Int

    public init(part: String, bytes: Int) {
        self.part = part
        self.bytes = bytes
    }
}
