// `ModelKind` (the families the harness checks) lives in the model-family registry; every user of
// Verification sees it.
@_exported import ModelFamilies
