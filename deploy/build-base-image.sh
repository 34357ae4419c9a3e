#!/usr/bin/env bash
# Builds the Debian 12 base image every NQE image starts FROM (no registry is reachable, so
# nothing can be pulled): debootstrap --variant=minbase of bookworm from the host's own Debian
# mirror, then `docker import`. Skips all of it when the image already exists.
#
#   deploy/build-base-image.sh [--force]
#
# Environment: NQE_BASE_IMAGE (default nqe/debian-base:bookworm), DEBIAN_MIRROR (default: the
# first URI of /etc/apt/sources.list.d/debian.sources, else http://deb.debian.org/debian).
set -euo pipefail

IMAGE="${NQE_BASE_IMAGE:-nqe/debian-base:bookworm}"
if [[ "${1:-}" != "--force" ]] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base image: $IMAGE already present, kept"
  exit 0
fi

mirror="${DEBIAN_MIRROR:-}"
if [[ -z "$mirror" && -r /etc/apt/sources.list.d/debian.sources ]]; then
  mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)"
fi
mirror="${mirror:-http://deb.debian.org/debian}"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v debootstrap >/dev/null; then
  echo "base image: installing debootstrap"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends debootstrap
fi

root="$(mktemp -d "${TMPDIR:-/tmp}/nqe-base.XXXXXX")"
trap '$SUDO rm -rf "$root"' EXIT
echo "base image: debootstrap --variant=minbase bookworm from $mirror (about 1-2 min)"
start=$SECONDS
$SUDO debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || {
  tail -20 "$root.log" >&2
  echo "base image: debootstrap failed (full log: $root.log)" >&2
  exit 1
}
# Containers install packages with apt-get: keep them small and non-interactive.
$SUDO tee "$root/etc/apt/apt.conf.d/90nqe" >/dev/null <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Retries "3";
APT
$SUDO rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
echo "base image: importing as $IMAGE"
$SUDO tar -C "$root" -c . | docker import \
  --change 'ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8' \
  --change 'CMD ["/bin/bash"]' - "$IMAGE" >/dev/null
rm -f "$root.log"
echo "base image: $IMAGE built in $((SECONDS - start)) s ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1 / 1e6}'))"
