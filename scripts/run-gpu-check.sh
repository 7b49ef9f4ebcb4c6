#!/usr/bin/env bash
# Runs on a GPU machine from a bundle made by gpu-bundle.sh: registers the NVIDIA OpenCL driver
# when no ICD file names it, then lists devices, runs the parity table and the benchmark on the
# first GPU, writing every output to OUTPUT_DIR. Each step has a time limit so that the whole
# check ends within about 5 minutes.
#
# Usage: run-gpu-check.sh OUTPUT_DIR
# CHECK_DEVICE selects the device (default gpu; cpu runs the same check on PoCL).
set -uo pipefail
export PATH="$PATH:/sbin:/usr/sbin"
device=${CHECK_DEVICE:-gpu}
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: run-gpu-check.sh OUTPUT_DIR}
mkdir -p "$out"
# Use the bundled libraries only when the machine lacks one of them.
missing=$(ldd "$here/skipconv" "$here/skipconv-bench" | awk '/not found/ {print $1}' | sort -u)
if [[ -n $missing ]]; then
  export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "using bundled libraries for: $missing" | tee "$out/libraries.txt"
fi

# Register the NVIDIA driver in a private vendors folder when the system has no ICD file for it.
if ! grep -qs nvidia /etc/OpenCL/vendors/*.icd; then
  driver=$(ldconfig -p | awk '/libnvidia-opencl.so.1 / {print $NF; exit}')
  if [[ -z $driver ]]; then
    driver=$(find / -name 'libnvidia-opencl.so.1' -not -path '/proc/*' 2>/dev/null | head -n 1)
  fi
  if [[ -n $driver ]]; then
    mkdir -p "$out/vendors"
    echo "$driver" > "$out/vendors/nvidia.icd"
    export OCL_ICD_VENDORS="$out/vendors"
    echo "registered NVIDIA OpenCL driver $driver" | tee "$out/icd.txt"
  else
    echo "no NVIDIA OpenCL driver (libnvidia-opencl.so.1) found" | tee "$out/icd.txt"
  fi
fi

nvidia-smi > "$out/nvidia-smi.txt" 2>&1
timeout 30 "$here/skipconv" devices --check > "$out/devices.txt" 2>&1
echo "devices: exit $?" | tee -a "$out/status.txt"
timeout 120 "$here/skipconv" parity --device "$device" > "$out/parity.md" 2>&1
echo "parity: exit $?" | tee -a "$out/status.txt"
timeout 120 "$here/skipconv-bench" --device "$device" --reference-runs 0 \
  --json "$out/bench.json" > "$out/bench.md" 2> "$out/bench.log"
echo "bench: exit $?" | tee -a "$out/status.txt"
