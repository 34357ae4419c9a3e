"""Where the integration tests find the build and the data (shared by tests/integration and
tests/docker). Environment: NQE_BUILD_DIR (default <repo>/build), NQE_DATA (default
<repo>/../shared/data)."""
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("NQE_BUILD_DIR", REPO / "build"))
DATA = Path(os.environ.get("NQE_DATA", REPO.parent / "shared" / "data"))
