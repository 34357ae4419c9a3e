#!/usr/bin/env python3
"""End-to-end smoke test of nqe-eval, run by ctest (tools/eval/CMakeLists.txt).

rd: our codec with the tiny committed pair (testdata/, see testdata/README.md) and one baseline
on three small synthetic images; entropy: a prior learned on those images, then coding with it; classify: the golden classifier (tests/golden/net_classifier.nqe,
16 x 16 input) on a synthetic CIFAR-10 test_batch.bin of 32 x 32 records, which the tool resizes.
Checks the output formats and counts, not quality (the models are untrained or random).
"""
import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

FLOAT = r"[-+0-9.eE]+|nan|inf"
RD_OURS = re.compile(rf"^bpp=({FLOAT}) psnr=({FLOAT}) msssim=({FLOAT}) blockiness=({FLOAT})$")
RD_BASELINE = re.compile(RD_OURS.pattern[:-1] + r" unreachable=(\d+)$")
ENTROPY = re.compile(rf"^raw_bpp=({FLOAT}) coded_bpp=({FLOAT}) saving=({FLOAT}) images=(\d+)$")
CLASSIFY = re.compile(r"^accuracy=([0-9.]+) images=(\d+) param_bits=(\d+) activation_bits=(\d+)$")


def run(cmd, expect_fail=False):
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=60)
    if (done.returncode != 0) != expect_fail:
        sys.exit(f"FAIL: {' '.join(map(str, cmd))} exited {done.returncode}\n{done.stderr}")
    return (done.stderr if expect_fail else done.stdout).strip().splitlines()


def check(condition, message):
    if not condition:
        sys.exit(f"FAIL: {message}")


def write_images(folder: Path):
    """Smooth synthetic photos of sizes that are, and are not, multiples of 32."""
    rng = np.random.default_rng(0)
    sizes = [(48, 64), (64, 80), (96, 96)]
    for i, (h, w) in enumerate(sizes):
        noise = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        cv2.imwrite(str(folder / f"img{i}.png"), cv2.GaussianBlur(noise, (0, 0), 2.0))
    return sizes


def test_rd(nqe_eval, testdata, folder):
    sizes = write_images(folder)
    lines = run([nqe_eval, "rd", "--encoder", testdata / "encoder-tiny.nqe",
                 "--decoder", testdata / "purenet-tiny.onnx", "--images", folder])
    check(lines[0].startswith("name,width,height,bits,bpp,psnr,msssim,blockiness"),
          f"CSV header: {lines[0]}")
    rows = [l.split(",") for l in lines[1:-1]]
    check(len(rows) == 3, f"3 CSV rows expected, got {len(rows)}")
    for row, (h, w) in zip(rows, sizes):
        patches = -(-h // 32) * -(-w // 32)
        check(int(row[1]) == w and int(row[2]) == h, f"size in {row}")
        check(int(row[3]) == patches * 256, f"{patches} patches of 256 bits in {row}")
    check(RD_OURS.match(lines[-1]), f"summary line: {lines[-1]}")

    # Lost patches: counted per row and in all, and the same ones on every run.
    lossy = [nqe_eval, "rd", "--encoder", testdata / "encoder-tiny.nqe", "--decoder",
             testdata / "purenet-tiny.onnx", "--images", folder, "--patch_loss", "0.5"]
    lines = run(lossy)
    summary = re.match(RD_OURS.pattern[:-1] + r" missing_patches=(\d+)$", lines[-1])
    check(summary, f"lossy summary line: {lines[-1]}")
    per_row = [int(m.group(1)) for l in lines[1:-1] for m in [re.search(r"missing (\d+)", l)] if m]
    total = int(summary.group(5))
    check(0 < total < sum(-(-h // 32) * -(-w // 32) for h, w in sizes) and sum(per_row) == total,
          f"missing patches: rows {per_row}, total {total}")
    check(run(lossy) == lines, "a second --patch_loss run loses the same patches")

    lines = run([nqe_eval, "rd", "--baseline", "jpeg", "--bpp", "1.0", "--images", folder])
    summary = RD_BASELINE.match(lines[-1])
    check(summary, f"baseline summary line: {lines[-1]}")
    rows = [l for l in lines[1:] if re.match(r"^img\d", l)]
    check(len(rows) == 3, "every image has a row, reachable or not")
    unreachable = sum(r.endswith(",0") for r in rows)
    check(unreachable == int(summary.group(5)), "unreachable count matches the rows")


def test_entropy(nqe_eval, testdata, folder):
    """Run after test_rd, on its images."""
    encoder, prior = testdata / "encoder-tiny.nqe", folder / "tiny.prior"
    lines = run([nqe_eval, "entropy", "--encoder", encoder, "--images", folder,
                 "--learn_prior", prior])
    check(re.match(rf"^prior={re.escape(str(prior))} contexts=15552 bits=\d+ images=3$", lines[-1]),
          f"learn_prior summary line: {lines[-1]}")
    header = prior.read_text().splitlines()[:2]
    check(header == ["nqe-entropy-prior 1", "channels 16 contexts_per_channel 972"],
          f"prior header {header}")
    plain = ENTROPY.match(run([nqe_eval, "entropy", "--encoder", encoder, "--images", folder])[-1])
    primed = ENTROPY.match(run([nqe_eval, "entropy", "--encoder", encoder, "--images", folder,
                                "--entropy_prior", prior])[-1])
    check(plain and primed, "entropy summary lines")
    # Learned on these very images, the prior must help (here, not as a quality claim).
    check(float(primed.group(2)) < float(plain.group(2)),
          f"coded bpp with the prior {primed.group(2)} vs without {plain.group(2)}")
    rd = [nqe_eval, "rd", "--encoder", encoder, "--decoder", testdata / "purenet-tiny.onnx",
          "--images", folder, "--entropy_prior", prior]
    err = run(rd, expect_fail=True)
    check(any("--entropy_prior needs --entropy_code" in l for l in err), f"rd without coding: {err}")
    lines = run(rd + ["--entropy_code"])
    check(RD_OURS.match(lines[-1]), f"rd with the prior: {lines[-1]}")
    (folder / "bad.prior").write_text("nqe-entropy-prior 1\nchannels 8 contexts_per_channel 243\n")
    err = run([nqe_eval, "entropy", "--encoder", encoder, "--images", folder,
               "--entropy_prior", folder / "bad.prior"], expect_fail=True)
    check(any("bad.prior" in l for l in err), f"a malformed prior is refused by name: {err}")


def test_classify(nqe_eval, golden, folder):
    rng = np.random.default_rng(1)
    n = 25
    labels = np.arange(n, dtype=np.uint8) % 10
    records = np.concatenate([labels[:, None],
                              rng.integers(0, 256, (n, 3072), dtype=np.uint8)], axis=1)
    (folder / "test_batch.bin").write_bytes(records.astype(np.uint8).tobytes())
    predictions = folder / "predictions.txt"
    lines = run([nqe_eval, "classify", "--model", golden / "net_classifier.nqe", "--data", folder,
                 "--predictions", predictions])
    summary = CLASSIFY.match(lines[-1])
    check(summary, f"classify summary line: {lines[-1]}")
    check(int(summary.group(2)) == n, f"{n} images expected")
    rows = [l.split() for l in predictions.read_text().splitlines() if not l.startswith("#")]
    check(len(rows) == n, "one prediction line per image")
    check(all(int(r[1]) == labels[int(r[0])] for r in rows), "labels in the predictions file")
    accuracy = np.mean([r[1] == r[2] for r in rows])
    check(abs(accuracy - float(summary.group(1))) < 1e-4, "accuracy agrees with the predictions")
    lines = run([nqe_eval, "classify", "--model", golden / "net_classifier.nqe", "--data", folder,
                 "--limit", "7"])
    check(CLASSIFY.match(lines[-1]).group(2) == "7", "--limit 7")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nqe-eval", type=Path, required=True)
    parser.add_argument("--testdata", type=Path, required=True)
    parser.add_argument("--golden", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rd_dir, cls_dir = Path(tmp, "rd"), Path(tmp, "classify")
        rd_dir.mkdir()
        cls_dir.mkdir()
        test_rd(args.nqe_eval, args.testdata, rd_dir)
        test_entropy(args.nqe_eval, args.testdata, rd_dir)
        test_classify(args.nqe_eval, args.golden, cls_dir)
    print("nqe-eval smoke test passed")


if __name__ == "__main__":
    main()
