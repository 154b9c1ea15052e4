#!/bin/sh
# Prints the SHA-256 of the sources that make a samkit binary: every file under Sources/ plus
# Package.swift, below ROOT (default: the current folder), as `sha256sum` lines sorted by path,
# hashed again. One implementation, used by the build (scripts/build-info.sh, embedded in the
# binary and recorded in every report) and by `make check-report` (on HEAD's tree).
set -eu
root="${1:-.}"
cd "$root"
find Sources Package.swift -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1
