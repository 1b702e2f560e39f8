#!/bin/bash
# setup-images.sh [IMAGES_DIR] -- make sure the small and layered test images (with their umoci
# reference bundles) exist, building them once with the shared mkimages.sh. Reused when
# present: a full-size set built by hand for the benchmarks serves as well.
#   RUNLXC_IMAGE_BENCH  directory holding mkimages.sh/compare.sh (default: ../shared/bench/image beside the checkout)
#   NSMALL, BIGFILE_MIB sizes for the layered image when it has to be built (CI: 5000 files, 32 MiB)
set -euo pipefail
DIR=${1:-${RUNLXC_TEST_IMAGES:-/var/tmp/runlxc-image-bench/images}}
BENCH=${RUNLXC_IMAGE_BENCH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/shared/bench/image}
[ -x "$BENCH/mkimages.sh" ] || { echo "setup-images: no mkimages.sh in $BENCH (set RUNLXC_IMAGE_BENCH)" >&2; exit 1; }
mkdir -p "$DIR"
exec 9>"$DIR/.setup.lock"
flock 9
missing=""
for img in small layered; do
    [ -f "$DIR/$img/info.txt" ] && [ -d "$DIR/$img/ref/rootfs" ] || missing="$missing $img"
done
if [ -n "$missing" ]; then
    echo "setup-images: building$missing into $DIR" >&2
    IMAGES="${missing# }" NSMALL=${NSMALL:-5000} BIGFILE_MIB=${BIGFILE_MIB:-32} \
        "$BENCH/mkimages.sh" "$DIR" >"$DIR/.setup.log" 2>&1 || { tail -20 "$DIR/.setup.log" >&2; exit 1; }
fi
echo "$DIR"
