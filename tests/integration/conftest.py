"""Fixtures for the loopback integration tests: real nqe-cloud / nqe-edge processes on
127.0.0.1 with free ports, Python gRPC stubs generated from proto/, small codec models.

Environment: NQE_BUILD_DIR (default <repo>/build), NQE_DATA (default <repo>/../shared/data).
The tests skip, saying why, when the data directory or the binaries are absent.
"""
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

import grpc_stubs
from paths import BUILD, DATA, REPO
from waiting import free_port

PHOTOS = DATA / "photos" / "val"
CLASSIFIER = REPO / "tests" / "golden" / "net_classifier.nqe"


def pytest_collection_modifyitems(config, items):
    reason = None
    if not PHOTOS.is_dir():
        reason = f"no validation photos at {PHOTOS} (set NQE_DATA to the shared data directory)"
    elif not (BUILD / "bin" / "nqe-cloud").exists() or not (BUILD / "bin" / "nqe-edge").exists():
        reason = f"nqe-cloud / nqe-edge not built in {BUILD / 'bin'}"
    if reason:
        for item in items:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def pb(tmp_path_factory):
    """The generated nqe_service_pb2 / _pb2_grpc modules (grpc_tools, at test time)."""
    return grpc_stubs.generate(tmp_path_factory.mktemp("stubs"))


@pytest.fixture(scope="session")
def codec_models():
    """A tiny encoder + PURENET decoder from the codec smoke trainer (about 40 s on 2 cores),
    kept in the build tree so later runs reuse them."""
    out = BUILD / "integration-models"
    encoder, decoder = out / "encoder-tiny.nqe", out / "purenet-tiny.onnx"
    if not (encoder.exists() and decoder.exists()):
        env = dict(os.environ, PYTHONPATH=str(REPO / "training"))
        subprocess.run(
            ["/usr/bin/python3", "-m", "nqe.codec.train", "--config", "codec-tiny", "--steps",
             "30", "--batch", "4", "--crop", "64", "--val-images", "1", "--out", str(out),
             "--train-dir", str(DATA / "photos" / "train"), "--val-dir", str(PHOTOS)],
            cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    return encoder, decoder


@pytest.fixture(scope="session")
def val_images():
    return sorted(PHOTOS.glob("*.png"))


class Daemon:
    """A daemon process with its log in the test's directory."""

    def __init__(self, name, args, log_dir):
        self.name, self.args = name, args
        self.log_path = Path(log_dir) / f"{name}.log"
        self.proc = None

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait(self, timeout):
        return self.proc.wait(timeout=timeout)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait_serving(port, timeout=20.0):
    """Waits for grpc.health.v1 to answer SERVING (raw call: no extra Python package)."""
    import grpc
    deadline = time.time() + timeout
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        check = channel.unary_unary("/grpc.health.v1.Health/Check")
        while time.time() < deadline:
            try:
                # HealthCheckRequest{} -> HealthCheckResponse{status: SERVING (1)} = 08 01
                if check(b"", timeout=1) == b"\x08\x01":
                    return
            except grpc.RpcError:
                time.sleep(0.1)
    raise TimeoutError(f"nothing serving on port {port}")


def scrape(port) -> dict:
    """Prometheus text format -> {sample name with labels: value}."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


class Cluster:
    """Starts clouds and edges wired to each other; stops everything at the end."""

    def __init__(self, tmp_path, models):
        self.tmp, (self.encoder, self.decoder) = tmp_path, models
        self.store = tmp_path / "store"
        self.cloud_port, self.cloud_metrics = free_port(), free_port()
        self.daemons = []

    def start_cloud(self, *extra):
        cloud = Daemon("cloud", [str(BUILD / "bin" / "nqe-cloud"),
                                 f"--listen=127.0.0.1:{self.cloud_port}",
                                 f"--metrics_listen=127.0.0.1:{self.cloud_metrics}",
                                 f"--encoder_model={self.encoder}",
                                 f"--decoder_model={self.decoder}",
                                 f"--store_dir={self.store}", "--decode_workers=1", *extra],
                       self.tmp).start()
        self.daemons.append(cloud)
        wait_serving(self.cloud_port)
        return cloud

    def start_edge(self, camera, source, *extra, name="edge"):
        edge = Daemon(name, [str(BUILD / "bin" / "nqe-edge"), f"--camera_id={camera}",
                             f"--source={source}", f"--cloud=127.0.0.1:{self.cloud_port}",
                             f"--encoder_model={self.encoder}",
                             f"--classifier_model={CLASSIFIER}",
                             f"--listen=127.0.0.1:{free_port()}",
                             f"--metrics_listen=127.0.0.1:{free_port()}", "--encode_threads=1",
                             *extra], self.tmp).start()
        edge.grpc_port = int(edge.args[6].rsplit(":", 1)[1])
        edge.metrics_port = int(edge.args[7].rsplit(":", 1)[1])
        self.daemons.append(edge)
        return edge

    def stop(self):
        for daemon in reversed(self.daemons):
            daemon.stop()


@pytest.fixture
def cluster(tmp_path, codec_models):
    c = Cluster(tmp_path, codec_models)
    yield c
    c.stop()


@pytest.fixture
def image_dir(tmp_path, val_images):
    """The first 4 validation photos, in their own folder (a folder source streams them in
    name order)."""
    folder = tmp_path / "images"
    folder.mkdir()
    for path in val_images[:4]:
        shutil.copy(path, folder / path.name)
    return folder
