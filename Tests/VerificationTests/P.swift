import Testing
@Test func verificationPlaceholder() { #expect(Bool(true)) }
