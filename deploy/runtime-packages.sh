#!/usr/bin/env bash
# Prints the Debian packages that own the shared libraries the given binaries load (ldd), one
# per line: the runtime image installs exactly these, so it needs no hand-kept list that could
# drift from what the build links. Run inside the builder image.
set -euo pipefail
for bin in "$@"; do
  ldd "$bin" | awk '/=> \// {print $3} /^\t\/lib/ {print $1}'
done | sort -u | while read -r lib; do
  # Debian 12 is merged-/usr: a library found under /lib may be registered under /usr/lib.
  dpkg -S "$lib" 2>/dev/null || dpkg -S "/usr$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null ||
    { echo "runtime-packages: no package owns $lib" >&2; exit 1; }
done | cut -d: -f1 | sort -u
