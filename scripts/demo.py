#!/usr/bin/python3
"""The main job end to end on this machine: starts nqe-cloud and nqe-edge on loopback, streams
one image (or a folder of them) through them, and prints the bitrate (of the codes, and on the
wire: the uplink entropy-codes them with the encoder's prior), the PSNR of the cloud's
reconstruction, the classification and where the reconstruction is.

  scripts/demo.py [--image PHOTO|FOLDER] [--encoder E.nqe --decoder D.onnx --classifier C.nqe]
                  [--entropy_prior P.prior | --raw]

With a folder, every image is streamed (in name order, as the edge's folder source reads
them), one line per frame and a last line of means: what the system delivers end to end.
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
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp"}  # the edge's folder source reads these


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
                   default=REPO.parent / "shared/data/photos/val/101085.png",
                   help="a photo, or a folder of them (.png/.jpg/.jpeg/.bmp)")
    p.add_argument("--encoder", type=Path, default=REPO / "models/encoder-0.25bpp.nqe")
    p.add_argument("--decoder", type=Path, default=REPO / "models/purenet-0.25bpp.onnx")
    p.add_argument("--classifier", type=Path, default=REPO / "models/classifier-cifar10.nqe")
    p.add_argument("--entropy_prior", type=Path, default=None,
                   help="entropy prior for the uplink (default: the encoder's sibling .prior, "
                        "e.g. models/encoder-0.25bpp.prior, when it exists)")
    p.add_argument("--raw", action="store_true", help="send raw codes (no entropy coding)")
    p.add_argument("--out", type=Path, default=REPO / "runs/demo")
    a = p.parse_args()
    prior = None if a.raw else a.entropy_prior or a.encoder.with_suffix(".prior")
    if prior is not None and not prior.exists():
        if a.entropy_prior:
            sys.exit(f"demo: missing {prior}")
        prior = None
    prior_flag = [f"--entropy_prior={prior}"] if prior else []
    missing = [str(f) for f in (a.image, a.encoder, a.decoder) if not f.exists()]
    if missing:
        sys.exit(f"demo: missing {', '.join(missing)} (pass --image/--encoder/--decoder)")
    folder = a.image.is_dir()
    images = sorted(f for f in a.image.iterdir()
                    if f.suffix.lower() in IMAGE_SUFFIXES) if folder else [a.image]
    if not images:
        sys.exit(f"demo: no images in {a.image}")
    work = Path(tempfile.mkdtemp(prefix="nqe-demo-"))
    pb2, pb2_grpc = stubs(work / "stubs")
    cloud_port, edge_port = free_port(), free_port()
    logs = open(work / "daemons.log", "wb")
    cloud = subprocess.Popen([BIN / "nqe-cloud", f"--listen=127.0.0.1:{cloud_port}",
                              f"--encoder_model={a.encoder}", f"--decoder_model={a.decoder}",
                              f"--store_dir={work / 'store'}", "--metrics_listen=", *prior_flag],
                             stdout=logs, stderr=logs)
    try:
        grpc.channel_ready_future(grpc.insecure_channel(f"127.0.0.1:{cloud_port}")).result(20)
        source = f"folder:{a.image}" if folder else f"image:{a.image}"
        edge = subprocess.run([BIN / "nqe-edge", f"--source={source}", "--camera_id=demo",
                               f"--cloud=127.0.0.1:{cloud_port}", f"--encoder_model={a.encoder}",
                               "--classifier_model=", f"--listen=127.0.0.1:{edge_port}",
                               "--metrics_listen=", *prior_flag], stdout=logs, stderr=logs,
                              timeout=120 + 10 * len(images))
        if edge.returncode != 0:
            sys.exit(f"nqe-edge failed; see {work / 'daemons.log'}")
        stub = pb2_grpc.CloudDecoderStub(grpc.insecure_channel(f"127.0.0.1:{cloud_port}"))
        a.out.mkdir(parents=True, exist_ok=True)
        totals = np.zeros(3)  # code bpp, wire bpp, PSNR
        for sequence, image in enumerate(images, start=1):
            frame = stub.GetFrame(pb2.GetFrameRequest(camera_id="demo", sequence=sequence),
                                  timeout=30)
            path = a.out / f"{image.stem}-reconstructed.png"
            path.write_bytes(frame.png)
            original = cv2.imread(str(image), cv2.IMREAD_COLOR).astype(np.float64)
            rebuilt = cv2.imread(str(path), cv2.IMREAD_COLOR).astype(np.float64)
            psnr = 10 * math.log10(255 ** 2 / max(np.mean((original - rebuilt) ** 2), 1e-10))
            wire = (f"{frame.info.wire_bits_per_pixel:.3f} bpp on the wire (entropy-coded)"
                    if prior else "sent raw")
            print(f"{image.name}: {frame.info.width}x{frame.info.height}, codes "
                  f"{frame.info.bits_per_pixel:.3f} bpp, {wire}, PSNR {psnr:.2f} dB -> {path}")
            totals += (frame.info.bits_per_pixel, frame.info.wire_bits_per_pixel, psnr)
        if folder:
            bpp, wire_bpp, psnr = totals / len(images)
            print(f"mean over {len(images)} frames: codes {bpp:.4f} bpp, wire {wire_bpp:.4f} bpp, "
                  f"PSNR {psnr:.3f} dB")
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
                pb2.ClassifyRequest(image=images[0].read_bytes(), top_k=3), timeout=30)
            top = ", ".join(f"{c.name or c.index} {c.probability:.2f}" for c in reply.top)
            print(f"classify {images[0].name}: {top}")
        finally:
            edge.terminate()
            edge.wait()


if __name__ == "__main__":
    main()
