#!/usr/bin/env bash
# The test command: installs and builds (scripts/setup.sh), then runs every test:
# C++ through ctest, Python through pytest, then the Docker stack (tests/docker). Exits
# non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export NQE_DATA="${NQE_DATA:-$(cd .. && pwd)/shared/data}"
echo "test: C++ tests (ctest)"
(cd build && ctest --output-on-failure -j 2)
echo "test: Python tests (pytest, /usr/bin/python3: Debian's torch lives there)"
/usr/bin/python3 -m pytest -q training/tests tools/tests
echo "test: Docker stack (tests/docker: docker-compose.yml as containers; skipped, saying why," \
  "when no Docker engine answers)"
start=$SECONDS
/usr/bin/python3 -m pytest -q -rs -p no:cacheprovider tests/docker
echo "test: Docker stack done in $((SECONDS - start)) s"
