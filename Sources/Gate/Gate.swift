// The CI regression gate (issue 6).
