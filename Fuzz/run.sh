#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS (default 600), niced, from its seeds, keeping the grown corpus in
# Corpus/NAME (ignored by git) and any crasher in Crashers/NAME (committed: each becomes a regression test).
#   Fuzz/run.sh FuzzGGUF gguf 600 [libFuzzer flags …]
set -euo pipefail
cd "$(dirname "$0")"
target=$1 corpus=$2 seconds=${3:-600}
swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing --product "$target" >/dev/null
mkdir -p "Corpus/$corpus" "Crashers/$corpus" logs
nice -n 10 ".build/release/$target" -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=65536 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="Crashers/$corpus/" "${@:4}" "Corpus/$corpus" "Seeds/$corpus" 2>&1 | tee "logs/$target.log" | tail -25
