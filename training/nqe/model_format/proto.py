"""The generated protobuf module for proto/nqe_model.proto.

The generated code is a build output, so it is not committed: it is compiled with `protoc` on
first use into a cache folder (NQE_PROTO_CACHE, default <repo>/build/python) and regenerated
whenever the .proto is newer than the cached module.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parents[3]
_PROTO = _REPO / "proto" / "nqe_model.proto"


def _cache_dir() -> Path:
    return Path(os.environ.get("NQE_PROTO_CACHE", _REPO / "build" / "python"))


def _compile(out_dir: Path) -> None:
    protoc = shutil.which("protoc")
    if protoc is None:
        raise RuntimeError("protoc not found: install Debian's protobuf-compiler package")
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([protoc, f"-I{_PROTO.parent}", f"--python_out={out_dir}", _PROTO.name],
                   check=True)


def _load():
    out_dir = _cache_dir()
    module_path = out_dir / "nqe_model_pb2.py"
    if not module_path.exists() or module_path.stat().st_mtime < _PROTO.stat().st_mtime:
        _compile(out_dir)
    spec = importlib.util.spec_from_file_location("nqe_model_pb2", module_path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["nqe_model_pb2"] = module
    spec.loader.exec_module(module)
    return module


pb = _load()
