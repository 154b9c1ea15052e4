#!/usr/bin/env bash
# Builds and runs Examples/RNNGradient against SAMKit as a VERSIONED dependency, the way SwiftPM
# treats a published package (it refuses unsafeFlags there; a path dependency would not):
#   1. clone this repository's committed HEAD into a temporary folder and tag it (1.0.0);
#   2. copy the example next to it and point its manifest at file://<clone> with that exact version
#      (SAMKIT_PACKAGE_URL, SAMKIT_VERSION: read by Examples/RNNGradient/Package.swift);
#   3. build it in release and run it: it checks an RNN's gradient through Verification's public
#      GradientCheckable protocol (and that a 0.1% gradient fault is caught) and fits a series with
#      ComplexityFit. Exit 0 only if all of that holds.
# Uncommitted changes are not in the clone: commit first. Usage: scripts/check-example.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
version="${SAMKIT_EXAMPLE_VERSION:-1.0.0}"
work="$(mktemp -d "${TMPDIR:-/tmp}/samkit-example.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "check-example: cloning $repo (HEAD $(git -C "$repo" rev-parse --short HEAD)) and tagging $version" >&2
git clone --quiet --no-hardlinks "$repo" "$work/SAMKit"
git -C "$work/SAMKit" -c user.name=check-example -c user.email=check-example@localhost tag -a "$version" -m "check-example $version"

cp -R "$repo/Examples/RNNGradient" "$work/example"
rm -rf "$work/example/.build" "$work/example/Package.resolved"

export SAMKIT_PACKAGE_URL="file://$work/SAMKit" SAMKIT_VERSION="$version" OPENBLAS_NUM_THREADS=1
echo "check-example: building the example against $SAMKIT_PACKAGE_URL @ $version (release)" >&2
swift build -c release --package-path "$work/example" 2>&1 | tail -n 20
echo "check-example: running it" >&2
"$work/example/.build/release/RNNGradient"
