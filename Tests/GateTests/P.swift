import Testing
@Test func gatePlaceholder() { #expect(Bool(true)) }
