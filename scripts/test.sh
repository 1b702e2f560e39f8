#!/bin/bash
# Installs dependencies, builds, installs runlxc and runs every test suite.
# Ends with the line "N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -x configure ] || ./autogen.sh
[ -f Makefile ] || ./configure --prefix=/usr/local >/dev/null
make -j"$(nproc)" >/dev/null
make install >/dev/null
make -j"$(nproc)" build-tests >/dev/null
exec tests/run-all.sh .
