#!/usr/bin/env bash
# Sets up the machine, builds the self-contained release binary and runs the whole test suite on
# the default OpenCL device (PoCL on a machine without a GPU).
#
# The tests that run the command-line tool use that release binary, including one that copies it
# alone into an empty folder. Tests that read the public datasets look in $SKIPCONV_TEST_DATA,
# else ../shared/datasets beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build -c release --static-swift-stdlib --product skipconv
SKIPCONV_BINARY="$PWD/.build/release/skipconv" swift test "$@"
