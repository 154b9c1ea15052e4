// Verification harness (issue 3).
