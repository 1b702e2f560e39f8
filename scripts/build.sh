#!/bin/bash
# Installs dependencies, then builds and installs runlxc (prefix /usr/local). Shared by the
# quickstart and the test command.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -x configure ] || ./autogen.sh
[ -f Makefile ] || ./configure --prefix=/usr/local >/dev/null
make -j"$(nproc)" >/dev/null
make install >/dev/null
