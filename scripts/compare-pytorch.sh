#!/usr/bin/env bash
# Runs the SkipConv benchmark and PyTorch on the CPU on the same shapes in one run, and prints
# the ratio SkipConv / PyTorch per row.
#
# PyTorch goes into its own virtual environment (Benchmarks/.venv) from PyPI; the Linux wheel
# pulls its CUDA libraries too (about 3 GB). Results land in benchmark-results/.
# Extra arguments go to skipconv-bench (for example --device gpu or --quick).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=Benchmarks/.venv
if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet "torch>=2.2" numpy
fi

mkdir -p benchmark-results
swift build -c release --product skipconv-bench
.build/release/skipconv-bench --json benchmark-results/skipconv.json "$@" \
  | tee benchmark-results/skipconv.md
"$venv/bin/python" Benchmarks/pytorch_baseline.py benchmark-results/skipconv.json \
  --json benchmark-results/pytorch.json | tee benchmark-results/comparison.md
