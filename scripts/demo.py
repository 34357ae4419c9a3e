#!/usr/bin/python3
"""The main job end to end on this machine: starts nqe-cloud and nqe-edge on loopback, streams
one image through them, and prints the bitrate, the PSNR of the cloud's reconstruction, the
classification and where the reconstruction is.

  scripts/demo.py [--image PHOTO] [--encoder E.nqe --decoder D.onnx --classifier C.nqe]
"""
import argparse
import math
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import grpc
import numpy as np

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / "build" / "bin"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stubs(out):
    from grpc_tools import protoc
    out.mkdir(parents=True, exist_ok=True)
    protoc.main(["protoc", f"-I{REPO}", f"--python_out={out}", f"--grpc_python_out={out}",
                 str(REPO / "proto/nqe_model.proto"), str(REPO / "proto/nqe_service.proto")])
    sys.path.insert(0, str(out))
    from proto import nqe_service_pb2, nqe_service_pb2_grpc
    return nqe_service_pb2, nqe_service_pb2_grpc


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--image", type=Path,
                   default=REPO.parent / "shared/data/photos/val/101085.png")
    p.add_argument("--encoder", type=Path, default=REPO / "models/encoder-0.25bpp.nqe")
    p.add_argument("--decoder", type=Path, default=REPO / "models/purenet-0.25bpp.onnx")
    p.add_argument("--classifier", type=Path, default=REPO / "models/classifier-cifar10.nqe")
    p.add_argument("--out", type=Path, default=REPO / "runs/demo")
    a = p.parse_args()
    missing = [str(f) for f in (a.image, a.encoder, a.decoder) if not f.exists()]
    if missing:
        sys.exit(f"demo: missing {', '.join(missing)} (pass --image/--encoder/--decoder)")
    work = Path(tempfile.mkdtemp(prefix="nqe-demo-"))
    pb2, pb2_grpc = stubs(work / "stubs")
    cloud_port, edge_port = free_port(), free_port()
    logs = open(work / "daemons.log", "wb")
    cloud = subprocess.Popen([BIN / "nqe-cloud", f"--listen=127.0.0.1:{cloud_port}",
                              f"--encoder_model={a.encoder}", f"--decoder_model={a.decoder}",
                              f"--store_dir={work / 'store'}", "--metrics_listen="],
                             stdout=logs, stderr=logs)
    try:
        grpc.channel_ready_future(grpc.insecure_channel(f"127.0.0.1:{cloud_port}")).result(20)
        edge = subprocess.run([BIN / "nqe-edge", f"--source=image:{a.image}", "--camera_id=demo",
                               f"--cloud=127.0.0.1:{cloud_port}", f"--encoder_model={a.encoder}",
                               "--classifier_model=", f"--listen=127.0.0.1:{edge_port}",
                               "--metrics_listen="], stdout=logs, stderr=logs, timeout=120)
        if edge.returncode != 0:
            sys.exit(f"nqe-edge failed; see {work / 'daemons.log'}")
        stub = pb2_grpc.CloudDecoderStub(grpc.insecure_channel(f"127.0.0.1:{cloud_port}"))
        frame = stub.GetFrame(pb2.GetFrameRequest(camera_id="demo", sequence=1), timeout=30)
        a.out.mkdir(parents=True, exist_ok=True)
        path = a.out / f"{a.image.stem}-reconstructed.png"
        path.write_bytes(frame.png)
        original = cv2.imread(str(a.image), cv2.IMREAD_COLOR).astype(np.float64)
        rebuilt = cv2.imread(str(path), cv2.IMREAD_COLOR).astype(np.float64)
        psnr = 10 * math.log10(255 ** 2 / max(np.mean((original - rebuilt) ** 2), 1e-10))
        print(f"{a.image.name}: {frame.info.width}x{frame.info.height}, "
              f"{frame.info.bits_per_pixel:.3f} bpp, PSNR {psnr:.2f} dB -> {path}")
    finally:
        cloud.terminate()
        cloud.wait()
    if a.classifier.exists():
        edge = subprocess.Popen([BIN / "nqe-edge", f"--encoder_model={a.encoder}",
                                 f"--classifier_model={a.classifier}",
                                 f"--listen=127.0.0.1:{edge_port}", "--metrics_listen="],
                                stdout=logs, stderr=logs)
        try:
            channel = grpc.insecure_channel(f"127.0.0.1:{edge_port}")
            grpc.channel_ready_future(channel).result(20)
            reply = pb2_grpc.EdgeEncoderStub(channel).Classify(
                pb2.ClassifyRequest(image=a.image.read_bytes(), top_k=3), timeout=30)
            print("classify: " + ", ".join(f"{c.name or c.index} {c.probability:.2f}"
                                           for c in reply.top))
        finally:
            edge.terminate()
            edge.wait()


if __name__ == "__main__":
    main()
