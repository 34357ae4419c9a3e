#!/usr/bin/env bash
# The main job, end to end on this machine: install and build (scripts/setup.sh), then start
# the cloud and edge daemons, stream a real photo through them, and print the bitrate, the PSNR
# of the reconstruction, the classification and where the reconstructed image is.
#   scripts/demo.sh [IMAGE]      default: the first photo of ../shared/data/photos/val
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

DATA="${NQE_DATA:-$(cd .. && pwd)/shared/data}"
IMAGE="${1:-$(ls "$DATA"/photos/val/*.png 2>/dev/null | head -n 1)}"
if [ -z "$IMAGE" ] || [ ! -f "$IMAGE" ]; then
  echo "demo: no image given and none found under $DATA/photos/val (set NQE_DATA or pass a path)" >&2
  exit 2
fi
echo "== streaming $IMAGE through nqe-edge -> nqe-cloud (both on this machine)"
exec /usr/bin/python3 scripts/demo.py --image "$IMAGE"
