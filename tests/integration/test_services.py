"""Loopback integration tests: nqe-edge and nqe-cloud as real processes on 127.0.0.1."""
import shutil
import subprocess
import threading
import time
import urllib.request

import grpc
import pytest

import offline
from conftest import BUILD, CLASSIFIER, scrape
from waiting import free_port, wait_until


def cloud_stub(pb, port):
    _, pb_grpc = pb
    return pb_grpc.CloudDecoderStub(grpc.insecure_channel(f"127.0.0.1:{port}"))


def stored_sequences(pb, stub, camera):
    service_pb2, _ = pb
    reply = stub.ListFrames(service_pb2.ListFramesRequest(camera_id=camera), timeout=10)
    return [f.sequence for f in reply.frames]


def test_stream_stores_every_frame_once_as_offline(pb, cluster, image_dir, tmp_path):
    """4 photos stream through; each is stored once, with nqe-encode's codes (and the Python
    reference's), the pixels of an offline cv2.dnn decode and nqe-eval rd's PSNR."""
    service_pb2, _ = pb
    cluster.start_cloud()
    edge = cluster.start_edge("cam-a", f"folder:{image_dir}", "--rows_per_chunk=3")
    assert edge.wait(timeout=90) == 0, edge.log()
    stub = cloud_stub(pb, cluster.cloud_port)
    images = sorted(image_dir.iterdir())
    assert stored_sequences(pb, stub, "cam-a") == [1, 2, 3, 4]

    eval_psnr = offline.nqe_eval_psnr(cluster.encoder, cluster.decoder, image_dir)
    for sequence, image in enumerate(images, start=1):
        frame = stub.GetFrame(service_pb2.GetFrameRequest(camera_id="cam-a", sequence=sequence,
                                                          include_codes=True), timeout=10)
        original = offline.read_rgb(image)
        assert (frame.info.height, frame.info.width) == original.shape[:2]
        assert frame.codes == offline.cpp_codes(cluster.encoder, image, tmp_path / "c.bin")
        stored = offline.decode_png_rgb(frame.png)
        if sequence == 1:  # the Python reference is slower: one image is enough
            ref_codes, code_shape, patch = offline.reference_codes(cluster.encoder, image,
                                                                   tmp_path / "ref.bin")
            assert frame.codes == ref_codes
            expected = offline.decode_offline(cluster.decoder, frame.codes, original.shape[0],
                                              original.shape[1], patch, code_shape)
            assert (stored == expected).all(), "cloud pixels differ from the offline decode"
        assert offline.psnr(stored, original) == pytest.approx(eval_psnr[image.name], abs=1e-3)
    assert "every frame acknowledged" in edge.log()


def learn_prior(encoder, images, out):
    """An entropy prior for `encoder`, learned by nqe-eval from the codes of `images`."""
    subprocess.run([str(BUILD / "bin" / "nqe-eval"), "entropy", "--encoder", str(encoder),
                    "--images", str(images), "--learn_prior", str(out), "--threads", "1"],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def test_entropy_coded_stream_is_lossless_and_smaller(pb, cluster, image_dir, tmp_path):
    """--entropy_prior on both daemons: the codes cross the uplink entropy-coded (fewer bytes,
    counted in FrameInfo.wire_bytes and both daemons' metrics) and are stored exactly as the
    raw stream stores them."""
    service_pb2, _ = pb
    prior = learn_prior(cluster.encoder, image_dir, tmp_path / "tiny.prior")
    cluster.start_cloud(f"--entropy_prior={prior}")
    edge = cluster.start_edge("cam-e", f"folder:{image_dir}", "--rows_per_chunk=2",
                              f"--entropy_prior={prior}", "--exit_when_done=false")
    stub = cloud_stub(pb, cluster.cloud_port)
    wait_until(lambda: stored_sequences(pb, stub, "cam-e") == [1, 2, 3, 4], 90, "4 stored frames")
    wire_total = 0
    for sequence, image in enumerate(sorted(image_dir.iterdir()), start=1):
        frame = stub.GetFrame(service_pb2.GetFrameRequest(camera_id="cam-e", sequence=sequence,
                                                          include_codes=True), timeout=10)
        assert frame.codes == offline.cpp_codes(cluster.encoder, image, tmp_path / "c.bin")
        info = frame.info
        assert 0 < info.wire_bytes < info.code_bytes, info
        assert info.wire_bits_per_pixel == pytest.approx(
            info.wire_bytes * 8 / (info.height * info.width))
        wire_total += info.wire_bytes
    edge_metrics = scrape(edge.metrics_port)
    sent = edge_metrics["nqe_edge_sent_code_bytes_total"]
    assert sent == wire_total < edge_metrics["nqe_edge_raw_code_bytes_total"]
    assert scrape(cluster.cloud_metrics)["nqe_cloud_received_code_bytes_total"] == wire_total
    assert "codes go entropy-coded" in edge.log()


def test_entropy_prior_mismatch_is_refused(pb, cluster, image_dir, tmp_path):
    """An edge whose prior the cloud does not hold is refused (FAILED_PRECONDITION, named in
    the edge's log) and nothing is stored."""
    prior = learn_prior(cluster.encoder, image_dir, tmp_path / "tiny.prior")
    cluster.start_cloud()  # raw codes only
    edge = cluster.start_edge("cam-m", f"folder:{image_dir}", f"--entropy_prior={prior}",
                              "--drain_timeout_s=1")
    wait_until(lambda: "unknown entropy prior" in edge.log(), 30, "the refusal in the edge log")
    assert "FAILED_PRECONDITION" in edge.log()
    assert stored_sequences(pb, cloud_stub(pb, cluster.cloud_port), "cam-m") == []


def test_kill9_cloud_mid_stream_stores_all_once(pb, cluster, image_dir, tmp_path):
    """kill -9 of the cloud mid-stream, restart: every frame stored, none twice, in order."""
    cloud = cluster.start_cloud()
    frames = 12
    edge = cluster.start_edge("cam-k", f"folder:{image_dir}", "--loop", f"--max_frames={frames}",
                              "--fps=6", "--max_in_flight=4")
    stub = cloud_stub(pb, cluster.cloud_port)
    wait_until(lambda: len(stored_sequences(pb, stub, "cam-k")) >= 3, 60, "3 stored frames")
    cloud.kill9()
    time.sleep(1.0)  # the edge notices, backs off, keeps capturing into its queue
    cluster.start_cloud()
    stub = cloud_stub(pb, cluster.cloud_port)
    assert edge.wait(timeout=120) == 0, edge.log()
    assert stored_sequences(pb, stub, "cam-k") == list(range(1, frames + 1))
    # Frame k is image (k-1) mod 4: a frame stored twice or lost would shift the contents.
    images = sorted(image_dir.iterdir())
    expected = [offline.cpp_codes(cluster.encoder, image, tmp_path / f"{i}.bin")
                for i, image in enumerate(images)]
    service_pb2, _ = pb
    for sequence in range(1, frames + 1):
        frame = stub.GetFrame(service_pb2.GetFrameRequest(camera_id="cam-k", sequence=sequence,
                                                          include_codes=True), timeout=10)
        assert frame.codes == expected[(sequence - 1) % len(images)], f"frame {sequence}"
    assert "lost" in edge.log() and "resuming after frame" in cluster.daemons[-1].log()


def test_classify_matches_reference(pb, cluster, val_images):
    service_pb2, pb_grpc = pb
    cluster.start_cloud()
    edge = cluster.start_edge("cam-c", "")  # serve only
    from conftest import wait_serving
    wait_serving(edge.grpc_port)
    stub = pb_grpc.EdgeEncoderStub(grpc.insecure_channel(f"127.0.0.1:{edge.grpc_port}"))
    for image in val_images[:3]:
        reply = stub.Classify(service_pb2.ClassifyRequest(image=image.read_bytes(), top_k=3),
                              timeout=10)
        logits = offline.reference_classify(CLASSIFIER, image)
        assert list(reply.logits) == logits
        assert reply.top[0].index == max(range(len(logits)), key=lambda i: (logits[i], -i))
        assert len(reply.top) == 3
        assert reply.top[0].probability >= reply.top[1].probability
    with pytest.raises(grpc.RpcError) as error:
        stub.Classify(service_pb2.ClassifyRequest(image=b"not an image"), timeout=10)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    metrics = scrape(edge.metrics_port)
    assert metrics["nqe_edge_classify_requests_total"] == 4
    assert metrics["nqe_edge_classify_errors_total"] == 1


class RawCamera:
    """A hand-driven Ingest stream, to send what a well-behaved edge never would."""

    def __init__(self, pb, port):
        self.pb2, pb_grpc = pb
        self.stub = pb_grpc.CloudDecoderStub(grpc.insecure_channel(
            f"127.0.0.1:{port}", options=[("grpc.max_send_message_length", 64 << 20)]))

    def run(self, requests):
        """Sends `requests`; returns (responses, status code, details)."""
        responses = []
        try:
            for response in self.stub.Ingest(iter(requests), timeout=20):
                responses.append(response)
            return responses, grpc.StatusCode.OK, ""
        except grpc.RpcError as error:
            return responses, error.code(), error.details()

    def hello(self, camera, checksum):
        return self.pb2.IngestRequest(hello=self.pb2.Hello(camera_id=camera,
                                                           encoder_checksum=checksum))

    def chunk(self, sequence, height, width, codes, rows, first_row=0, patch=32, bits=256):
        header = self.pb2.FrameHeader(height=height, width=width,
                                      capture_time_unix_nanos=time.time_ns())
        header.code_layout.patch_size, header.code_layout.bits_per_patch = patch, bits
        return self.pb2.IngestRequest(chunk=self.pb2.FrameChunk(
            sequence=sequence, header=header, first_row=first_row, row_count=rows, codes=codes))


def test_malformed_streams_refused_while_good_camera_streams(pb, cluster):
    cluster.start_cloud("--max_message_bytes=1048576")
    good = cluster.start_edge("cam-good", "pattern:96x64", "--fps=10")
    stub = cloud_stub(pb, cluster.cloud_port)
    wait_until(lambda: len(stored_sequences(pb, stub, "cam-good")) >= 2, 60, "good frames")
    checksum = offline.checksum(cluster.encoder)
    raw = RawCamera(pb, cluster.cloud_port)
    one_patch = bytes(32)  # a 32x32 frame: one patch of 256 bits
    C = grpc.StatusCode
    cases = {
        "unknown checksum": ([raw.hello("cam-x", "deadbeef")], C.FAILED_PRECONDITION),
        "bad camera id": ([raw.hello("../etc", checksum)], C.INVALID_ARGUMENT),
        "chunk before hello": ([raw.chunk(1, 32, 32, one_patch, 1)], C.FAILED_PRECONDITION),
        "wrong code length": ([raw.hello("cam-x", checksum), raw.chunk(1, 32, 32, bytes(31), 1)],
                              C.INVALID_ARGUMENT),
        "absurd size": ([raw.hello("cam-x", checksum), raw.chunk(1, 100000, 32, one_patch, 1)],
                        C.INVALID_ARGUMENT),
        "wrong layout": ([raw.hello("cam-x", checksum),
                          raw.chunk(1, 32, 32, bytes(64), 1, bits=512)], C.FAILED_PRECONDITION),
        "sequence gap": ([raw.hello("cam-x", checksum), raw.chunk(5, 32, 32, one_patch, 1)],
                         C.OUT_OF_RANGE),
        "oversize message": ([raw.hello("cam-x", checksum),
                              raw.chunk(1, 8192, 8192, bytes(256 * 256 * 32), 256)],
                             C.RESOURCE_EXHAUSTED),
    }
    before = len(stored_sequences(pb, stub, "cam-good"))
    for name, (requests, code) in cases.items():
        _, got, details = raw.run(requests)
        assert got == code, f"{name}: {got} {details}"
    # Exactly-once for a raw camera too: frame 1, then frame 1 again -> duplicate ack.
    frame = [raw.hello("cam-x", checksum), raw.chunk(1, 32, 32, one_patch, 1)]
    responses, got, _ = raw.run(frame)
    assert got == C.OK and responses[-1].ack.sequence == 1 and not responses[-1].ack.duplicate
    responses, got, _ = raw.run(frame)
    assert responses[0].welcome.last_stored_sequence == 1
    assert got == C.OK and responses[-1].ack.duplicate
    assert stored_sequences(pb, stub, "cam-x") == [1]
    # The good camera kept streaming meanwhile.
    wait_until(lambda: len(stored_sequences(pb, stub, "cam-good")) > before + 2, 30,
               "the good camera to go on")
    metrics = scrape(cluster.cloud_metrics)
    assert metrics['nqe_cloud_frames_rejected_total{reason="malformed"}'] >= 3
    assert metrics['nqe_cloud_frames_rejected_total{reason="sequence_gap"}'] == 1
    assert metrics["nqe_cloud_frames_duplicate_total"] == 1
    assert metrics["nqe_cloud_frames_stored_total"] >= before + 3
    edge_metrics = scrape(good.metrics_port)
    assert edge_metrics["nqe_edge_frames_encoded_total"] >= 3
    assert edge_metrics["nqe_edge_frames_acked_total"] >= 3
    assert edge_metrics["nqe_edge_patches_encoded_total"] == \
        6 * edge_metrics["nqe_edge_frames_encoded_total"]
    if shutil.which("promtool"):
        for port in (cluster.cloud_metrics, good.metrics_port):
            text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read()
            result = subprocess.run(["promtool", "check", "metrics"], input=text,
                                    capture_output=True)
            assert result.returncode == 0, result.stdout + result.stderr


def test_a_flooding_client_is_held_back_and_loses_nothing(pb, cluster):
    """A client that sends frames without waiting for acks: the cloud never holds more than
    --max_queued_frames of them (it stops reading the stream; gRPC flow control holds the
    client back), and every frame is still stored once, in order."""
    cluster.start_cloud("--max_queued_frames=2")
    checksum = offline.checksum(cluster.encoder)
    raw = RawCamera(pb, cluster.cloud_port)
    frames = 30
    side = 512  # 256 patches: a decode takes long enough for the reader to get ahead
    requests = [raw.hello("cam-flood", checksum)] + [
        raw.chunk(seq, side, side, bytes(32 * (side // 32) ** 2), side // 32)
        for seq in range(1, frames + 1)]
    queued = []
    done = []

    def sample():
        while not done:
            queued.append(scrape(cluster.cloud_metrics)["nqe_cloud_decode_queue_frames"])
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        responses, code, details = raw.run(requests)
    finally:
        done.append(True)
        sampler.join()
    assert code == grpc.StatusCode.OK, details
    assert [r.ack.sequence for r in responses if r.HasField("ack")] == list(range(1, frames + 1))
    stub = cloud_stub(pb, cluster.cloud_port)
    assert stored_sequences(pb, stub, "cam-flood") == list(range(1, frames + 1))
    assert queued and max(queued) <= 2, queued
    assert scrape(cluster.cloud_metrics)["nqe_cloud_ingest_throttled_total"] >= 1


def test_watch_get_and_reconstruct(pb, cluster, image_dir):
    service_pb2, pb_grpc = pb
    cluster.start_cloud()
    stub = cloud_stub(pb, cluster.cloud_port)
    watch = stub.WatchFrames(service_pb2.WatchFramesRequest(camera_id="cam-w", from_now=True),
                             timeout=60)
    edge = cluster.start_edge("cam-w", f"folder:{image_dir}", "--max_frames=2")
    seen = [next(watch).sequence, next(watch).sequence]
    watch.cancel()
    assert seen == [1, 2]
    assert edge.wait(timeout=60) == 0
    frame = stub.GetFrame(service_pb2.GetFrameRequest(camera_id="cam-w", sequence=2,
                                                      include_codes=True), timeout=10)
    rebuilt = stub.Reconstruct(service_pb2.ReconstructRequest(
        height=frame.info.height, width=frame.info.width, code_layout=frame.info.code_layout,
        codes=frame.codes), timeout=20)
    complete = offline.decode_png_rgb(frame.png)
    assert (offline.decode_png_rgb(rebuilt.png) == complete).all()
    assert not rebuilt.incomplete and rebuilt.missing_patches == 0
    # Patches lost on the way: filled in from their neighbours, the answer marked incomplete.
    p = frame.info.code_layout.patch_size
    patches = -(-frame.info.height // p) * -(-frame.info.width // p)
    filled = stub.Reconstruct(service_pb2.ReconstructRequest(
        height=frame.info.height, width=frame.info.width, code_layout=frame.info.code_layout,
        codes=frame.codes, missing_patches=[0, 1, 1]), timeout=20)
    assert filled.incomplete and filled.missing_patches == 2
    guess = offline.decode_png_rgb(filled.png)
    assert guess.shape == complete.shape and (guess != complete).any()
    with pytest.raises(grpc.RpcError) as error:
        stub.Reconstruct(service_pb2.ReconstructRequest(
            height=frame.info.height, width=frame.info.width,
            code_layout=frame.info.code_layout, codes=frame.codes,
            missing_patches=[patches]), timeout=20)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "outside the grid" in error.value.details()
    with pytest.raises(grpc.RpcError) as error:
        stub.GetFrame(service_pb2.GetFrameRequest(camera_id="cam-w", sequence=99), timeout=10)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_sigterm_drains_what_is_queued(pb, cluster, image_dir):
    """SIGTERM: capture stops, every frame already captured reaches the cloud, exit 0."""
    cluster.start_cloud()
    edge = cluster.start_edge("cam-t", f"folder:{image_dir}", "--loop", "--fps=8",
                              "--drain_timeout_s=30")
    stub = cloud_stub(pb, cluster.cloud_port)
    wait_until(lambda: len(stored_sequences(pb, stub, "cam-t")) >= 3, 60, "3 stored frames")
    edge.proc.terminate()
    assert edge.wait(timeout=60) == 0, edge.log()
    captured = scrape_free_count(edge.log())
    assert stored_sequences(pb, stub, "cam-t") == list(range(1, captured + 1))
    assert "SIGTERM: shutting down" in edge.log() and "not stored" not in edge.log()


def scrape_free_count(log: str) -> int:
    """Frames the edge reported acknowledged in its final summary line."""
    line = [l for l in log.splitlines() if " acknowledged, " in l][-1]
    return int(line.split(" frames, ")[1].split(" acknowledged")[0])


def test_health_check_tool(cluster):
    """nqe-health-check (the containers' HEALTHCHECK): 0 for a SERVING service, 2 for a service
    the server does not know (NOT_FOUND) and for a port where nothing listens."""
    cluster.start_cloud()

    def check(port, service):
        return subprocess.run([str(BUILD / "bin" / "nqe-health-check"), f"--addr=127.0.0.1:{port}",
                               f"--service={service}", "--timeout=2s"],
                              capture_output=True, text=True)

    ok = check(cluster.cloud_port, "nqe.service.CloudDecoder")
    assert ok.returncode == 0 and "SERVING" in ok.stdout, ok.stdout + ok.stderr
    assert check(cluster.cloud_port, "no.such.Service").returncode == 2
    assert check(free_port(), "").returncode == 2
