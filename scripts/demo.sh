#!/usr/bin/env bash
# The main job, end to end on this machine: install and build (scripts/setup.sh), then encode a
# real photo with the integer NQE engine and print what came out.
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
ENCODER="models/encoder-0.25bpp.nqe"
[ -f "$ENCODER" ] || ENCODER="tests/golden/net_encoder.nqe"  # until a trained encoder is committed

echo "== the encoder: layers, stored bits, memory budget"
build/bin/nqe-model-info --model "$ENCODER"
echo "== encoding $IMAGE"
build/bin/nqe-encode --model "$ENCODER" --image "$IMAGE" --out build/demo-codes.bin
echo "demo: codes written to build/demo-codes.bin"
