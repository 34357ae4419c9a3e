#!/usr/bin/env bash
# Installs every Debian package the project needs (skipping the work when all are present),
# then configures and builds the C++ tree into build/. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  # build
  cmake ninja-build pkg-config g++ clang-format xz-utils
  # C++ libraries
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libopencv-dev
  libabsl-dev prometheus-cpp-dev libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev
  # codec baselines for nqe-eval: JPEG 2000 with OpenJPEG's rate control, AVIF
  libopenjp2-7-dev libavif-dev
  # Python: training, the integer reference, tests
  python3-torch python3-torchvision python3-numpy python3-opencv python3-protobuf python3-pil
  python3-matplotlib python3-pytest
  # services: Python gRPC test clients, promtool for checking /metrics
  python3-grpcio python3-grpc-tools prometheus
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#PACKAGES[@]} Debian packages present"
fi

echo "setup: building into build/ (cmake + ninja, 2 jobs)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j 2
