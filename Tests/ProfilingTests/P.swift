import Testing
@Test func profilingPlaceholder() { #expect(Bool(true)) }
