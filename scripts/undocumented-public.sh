#!/usr/bin/env bash
# Lists public declarations without a DocC comment (`///`) in the library products' modules.
# Usage: scripts/undocumented-public.sh [MODULE...]   (default: Verification ComplexityFit Profiling)
# Exit 0 when every one is documented, 1 otherwise. Codable's init(from:)/encode(to:) are exempt.
set -euo pipefail
cd "$(dirname "$0")/.."
modules=("$@"); [ ${#modules[@]} -eq 0 ] && modules=(Verification ComplexityFit Profiling)
python3 - "${modules[@]}" <<'PY'
import glob, re, sys
missing = 0
for module in sys.argv[1:]:
    for path in sorted(glob.glob(f"Sources/{module}/*.swift")):
        lines = open(path).read().split("\n")
        for i, line in enumerate(lines):
            if not re.match(r"\s*(@\w+(\(.*\))?\s+)*public\s", line) or re.match(r"\s*public\s+(init\(from|func encode\(to)", line):
                continue
            j = i - 1
            while j >= 0 and re.match(r"\s*@", lines[j]):
                j -= 1
            if j < 0 or not lines[j].strip().startswith("///"):
                missing += 1
                print(f"{path}:{i + 1}: {line.strip()[:100]}")
print(f"{missing} public declarations without a doc comment", file=sys.stderr)
sys.exit(1 if missing else 0)
PY
