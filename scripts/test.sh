#!/bin/bash
# Installs dependencies, builds, installs runlxc and runs every test suite.
# Ends with the line "N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
scripts/build.sh
make -j"$(nproc)" build-tests >/dev/null
exec tests/run-all.sh .
