#!/usr/bin/env bash
# The README's run command: fetch the embedded default model (once), build optimised, start the shell with it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/fetch-smollm2.sh
swift build -c release --product alignscope >&2
exec .build/release/alignscope "$@"
