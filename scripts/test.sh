#!/usr/bin/env bash
# The test command: installs and builds (scripts/setup.sh), then runs every test:
# C++ through ctest, Python through pytest. Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export NQE_DATA="${NQE_DATA:-$(cd .. && pwd)/shared/data}"
echo "test: C++ tests (ctest)"
(cd build && ctest --output-on-failure -j 2)
echo "test: Python tests (pytest, /usr/bin/python3: Debian's torch lives there)"
/usr/bin/python3 -m pytest -q training/tests
