"""Python gRPC modules for proto/nqe_service.proto, generated at test time with grpc_tools
(Debian's python3-grpc-tools), so they always match the proto the daemons were built from."""
import sys
from pathlib import Path

from paths import REPO


def generate(out_dir: Path):
    """Writes the modules under out_dir and returns (nqe_service_pb2, nqe_service_pb2_grpc)."""
    from grpc_tools import protoc
    args = ["protoc", f"-I{REPO}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}",
            str(REPO / "proto" / "nqe_model.proto"), str(REPO / "proto" / "nqe_service.proto")]
    assert protoc.main(args) == 0, "protoc failed"
    sys.path.insert(0, str(out_dir))
    from proto import nqe_service_pb2, nqe_service_pb2_grpc
    return nqe_service_pb2, nqe_service_pb2_grpc
