#!/usr/bin/env bash
# Fuzzes the safetensors reader with libFuzzer and AddressSanitizer.
#
# Usage: scripts/fuzz-safetensors.sh [SECONDS] [extra libFuzzer options...]
#
# Builds Sources/SkipConv/Checkpoint/*.swift with scripts/fuzz/SafetensorsFuzzTarget.swift into
# .build/fuzz/safetensors-fuzz, seeds the run with Tests/SkipConvTests/Corpus, and runs for
# SECONDS (default 60). Inputs libFuzzer finds go to .build/fuzz/corpus; a crashing input goes
# to .build/fuzz/artifacts. Store such an input in Tests/SkipConvTests/Corpus as
# crash-<expected error kind>-<n>.safetensors once the reader is fixed.
# Not part of CI: it needs a toolchain with libclang_rt.fuzzer (the Linux toolchains have it).
set -euo pipefail

seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/.build/fuzz"
mkdir -p "$work/corpus" "$work/artifacts"

swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name SafetensorsFuzz \
  "$root"/Sources/SkipConv/Checkpoint/*.swift "$root/scripts/fuzz/SafetensorsFuzzTarget.swift" \
  -o "$work/safetensors-fuzz"

# Header tokens, so that mutations produce well-formed JSON pieces more often.
{
  for token in '"dtype"' '"shape"' '"data_offsets"' '"__metadata__"' '"F32"' '"I32"' \
    '"I64"' '"F64"' '"U8"' '"BOOL"' '"C64"' '9223372036854775807' '18446744073709551616' \
    '1e3' '2.0' 'true' 'null' '[]' '{}' '\u0000' '\ud800'; do
    printf '"%s"\n' "$(printf '%s' "$token" | sed 's/\\/\\\\/g; s/"/\\"/g')"
  done
} > "$work/safetensors.dict"

"$work/safetensors-fuzz" "$work/corpus" "$root/Tests/SkipConvTests/Corpus" \
  -dict="$work/safetensors.dict" -max_total_time="$seconds" -max_len=4096 \
  -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@"
