#!/usr/bin/env bash
# Runs every fuzz target briefly (default 8 s each) so that CI catches a target that no longer
# builds or a panic the seeds already reach. Seeded from the project's files, `eseal demo` output
# and ../shared/test-vectors; works on a copy of the corpus under target/, so the tree stays
# clean. Long runs: scripts/fuzz.sh (fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SHARED=1 exec scripts/fuzz.sh "${FUZZ_SECONDS:-8}" "$@"
