#!/usr/bin/python3
"""Load test of nqe-cloud (not in CI): K simulated cameras stream F frames/s each for D seconds
over CloudDecoder.Ingest, like nqe-edge does (Hello, frames in chunks of patch rows, acks).

Reports the sustained stored frames/s, end-to-end latency percentiles (capture time stamped by
the camera -> ack received, i.e. transfer + reassembly + PURENET decode + PNG + fsync'd store),
and losses (frames sent but not acknowledged, and acknowledged but not listed by the cloud).

The codes are those of a real image (nqe-encode) when --image is given, else random bits:
PURENET's cost does not depend on the bits. A camera that falls behind sends late rather than
skipping frames, so latency grows visibly when the cloud saturates.

  tools/load_test/load_test.py --cloud 127.0.0.1:50051 --encoder models/encoder-0.25bpp.nqe \
      --cameras 4 --fps 5 --seconds 30 --width 320 --height 240
"""
import argparse
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import grpc
import numpy as np

REPO = Path(__file__).resolve().parents[2]


def stubs():
    from grpc_tools import protoc
    out = tempfile.mkdtemp(prefix="nqe-load-")
    args = ["protoc", f"-I{REPO}", f"--python_out={out}", f"--grpc_python_out={out}",
            str(REPO / "proto" / "nqe_model.proto"), str(REPO / "proto" / "nqe_service.proto")]
    if protoc.main(args) != 0:
        sys.exit("protoc failed")
    sys.path.insert(0, out)
    from proto import nqe_service_pb2, nqe_service_pb2_grpc
    return nqe_service_pb2, nqe_service_pb2_grpc


def model_facts(encoder: Path):
    """(checksum, patch size, bits per patch) through the Python model reader."""
    tool = REPO / "tests" / "integration" / "reference_tool.py"
    checksum = subprocess.run(["/usr/bin/python3", str(tool), "checksum", str(encoder)],
                              check=True, capture_output=True, text=True).stdout.strip()
    return checksum


class Camera(threading.Thread):
    def __init__(self, args, pb2, stub, camera_id, checksum, codes, results):
        super().__init__(daemon=True)
        self.args, self.pb2, self.stub = args, pb2, stub
        self.camera_id, self.checksum, self.codes = camera_id, checksum, codes
        self.results = results
        self.sent, self.latencies, self.error = {}, [], None

    def requests(self, welcome_seen: threading.Event, first_sequence: list):
        pb2, a = self.pb2, self.args
        yield pb2.IngestRequest(hello=pb2.Hello(camera_id=self.camera_id,
                                                encoder_checksum=self.checksum))
        welcome_seen.wait()
        rows = -(-a.height // a.patch)
        row_bytes = len(self.codes) // rows
        period, start = 1.0 / a.fps, time.time()
        frames = int(a.fps * a.seconds)
        for i in range(frames):
            due = start + i * period
            time.sleep(max(0.0, due - time.time()))
            sequence = first_sequence[0] + i
            capture = time.time_ns()
            self.sent[sequence] = capture
            for row in range(0, rows, a.rows_per_chunk):
                n = min(a.rows_per_chunk, rows - row)
                header = None
                if row == 0:
                    header = pb2.FrameHeader(height=a.height, width=a.width,
                                             capture_time_unix_nanos=capture)
                    header.code_layout.patch_size = a.patch
                    header.code_layout.bits_per_patch = a.bits
                yield pb2.IngestRequest(chunk=pb2.FrameChunk(
                    sequence=sequence, header=header, first_row=row, row_count=n,
                    codes=self.codes[row * row_bytes:(row + n) * row_bytes]))
        # Keep the stream open until every frame is acknowledged (or a grace period ends).
        deadline = time.time() + a.grace
        while len(self.latencies) < frames and time.time() < deadline:
            time.sleep(0.05)

    def run(self):
        welcome_seen, first_sequence = threading.Event(), [1]
        try:
            for response in self.stub.Ingest(self.requests(welcome_seen, first_sequence)):
                if response.HasField("welcome"):
                    first_sequence[0] = response.welcome.last_stored_sequence + 1
                    welcome_seen.set()
                elif response.HasField("ack"):
                    sent = self.sent.get(response.ack.sequence)
                    if sent is not None:
                        self.latencies.append((time.time_ns() - sent) / 1e9)
        except grpc.RpcError as error:
            self.error = f"{error.code()}: {error.details()}"
        welcome_seen.set()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cloud", default="127.0.0.1:50051")
    p.add_argument("--encoder", type=Path, default=REPO / "models" / "encoder-0.25bpp.nqe",
                   help="the encoder the cloud pairs with (for its checksum)")
    p.add_argument("--cameras", type=int, default=4)
    p.add_argument("--fps", type=float, default=5)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--width", type=int, default=320)
    p.add_argument("--height", type=int, default=240)
    p.add_argument("--patch", type=int, default=32)
    p.add_argument("--bits", type=int, default=256)
    p.add_argument("--rows-per-chunk", type=int, default=4)
    p.add_argument("--grace", type=float, default=30, help="seconds to wait for the last acks")
    p.add_argument("--prefix", default=f"load-{os.getpid()}", help="camera id prefix")
    a = p.parse_args()

    pb2, pb2_grpc = stubs()
    checksum = model_facts(a.encoder)
    patches = -(-a.height // a.patch) * -(-a.width // a.patch)
    codes = np.random.default_rng(0).integers(0, 256, patches * ((a.bits + 7) // 8),
                                              dtype=np.uint8).tobytes()
    channel = grpc.insecure_channel(a.cloud)
    stub = pb2_grpc.CloudDecoderStub(channel)
    cameras = [Camera(a, pb2, stub, f"{a.prefix}-{k}", checksum, codes, None)
               for k in range(a.cameras)]
    started = time.time()
    for camera in cameras:
        camera.start()
    for camera in cameras:
        camera.join()
    wall = time.time() - started

    sent = sum(len(c.sent) for c in cameras)
    latencies = np.array([x for c in cameras for x in c.latencies])
    stored = 0
    for camera in cameras:
        reply = stub.ListFrames(pb2.ListFramesRequest(camera_id=camera.camera_id), timeout=30)
        stored += len(reply.frames)
    errors = [f"{c.camera_id}: {c.error}" for c in cameras if c.error]
    offered = a.cameras * a.fps
    print(f"{a.cameras} cameras x {a.fps:g} fps ({offered:g} frames/s offered), "
          f"{a.width}x{a.height} frames ({patches} patches, {len(codes)} code bytes), "
          f"{a.seconds:g} s")
    print(f"sustained: {len(latencies) / wall:.1f} frames/s acknowledged over {wall:.1f} s "
          f"(last ack included)")
    if len(latencies):
        p50, p95, p99 = np.percentile(latencies, [50, 95, 99]) * 1000
        print(f"end-to-end latency: p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, "
              f"max {latencies.max() * 1000:.0f} ms")
    print(f"losses: sent {sent}, acknowledged {len(latencies)}, listed by the cloud {stored}, "
          f"lost {sent - len(latencies)}")
    for error in errors:
        print("stream error:", error)
    return 0 if sent == len(latencies) == stored and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
