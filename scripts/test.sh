#!/usr/bin/env bash
# The README's test command: fetch the embedded default model (once; checked by sha256), then build and run
# the whole suite optimised. Numeric code in a debug build runs 10–100× slower.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/fetch-smollm2.sh
# A bound on the whole run: a test that hangs fails the run instead of stalling CI.
exec timeout --kill-after=60 75m swift test -c release "$@"
