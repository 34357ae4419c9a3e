"""The offline paths the services must agree with:
- codes: nqe-encode (the C++ engine, no service) and the Python integer reference interpreter;
- pixels: the same ONNX decoder through OpenCV DNN (cv2.dnn), fed the code map exactly as
  cloud_decoder/purenet/purenet_decoder.h documents it;
- classes: the Python reference (reference_tool.py, in its own process) on the image resized with cv2.INTER_AREA.
"""
import math
import subprocess
from pathlib import Path

import cv2
import numpy as np

from paths import BUILD

TOOL = Path(__file__).resolve().parent / "reference_tool.py"


def _reference(*args) -> str:
    return subprocess.run(["/usr/bin/python3", str(TOOL), *map(str, args)], check=True,
                          capture_output=True, text=True).stdout


def read_rgb(path) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(path), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def decode_png_rgb(png: bytes) -> np.ndarray:
    bgr = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def cpp_codes(encoder: Path, image: Path, out: Path) -> bytes:
    subprocess.run([str(BUILD / "bin" / "nqe-encode"), "--model", str(encoder), "--image",
                    str(image), "--out", str(out), "--threads", "1"], check=True,
                   stdout=subprocess.DEVNULL)
    return out.read_bytes()


def reference_codes(encoder: Path, image: Path, out: Path):
    """Python integer reference: (packed codes, (C, q), patch size)."""
    channels, side, patch = map(int, _reference("codes", encoder, image, out).split())
    return out.read_bytes(), (channels, side), patch


def checksum(model: Path) -> str:
    return _reference("checksum", model).strip()


def decode_offline(onnx: Path, codes: bytes, height: int, width: int, patch: int,
                   code_shape) -> np.ndarray:
    """PURENET through cv2.dnn: the code map (+1/-1 per bit), forward, crop, x255, round."""
    channels, q = code_shape
    rows, cols = -(-height // patch), -(-width // patch)
    nbytes = (channels * q * q + 7) // 8
    bits = np.unpackbits(np.frombuffer(codes, np.uint8).reshape(rows * cols, nbytes), axis=1,
                         bitorder="little")[:, :channels * q * q]
    signs = bits.astype(np.float32) * 2 - 1
    code_map = signs.reshape(rows, cols, channels, q, q).transpose(2, 0, 3, 1, 4)
    code_map = np.ascontiguousarray(code_map.reshape(1, channels, rows * q, cols * q))
    net = cv2.dnn.readNetFromONNX(str(onnx))
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    net.setInput(code_map)
    out = net.forward()[0, :, :height, :width] * np.float32(255)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8).transpose(1, 2, 0)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 10 * math.log10(255 ** 2 / max(mse, 1e-10))


def nqe_eval_psnr(encoder: Path, decoder: Path, folder: Path) -> dict:
    """Per-image PSNR from `nqe-eval rd` (the offline evaluation tool)."""
    out = subprocess.run([str(BUILD / "bin" / "nqe-eval"), "rd", "--encoder", str(encoder),
                          "--decoder", str(decoder), "--images", str(folder), "--threads", "1"],
                         check=True, capture_output=True, text=True).stdout
    lines = [line for line in out.splitlines() if line.count(",") >= 5]
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","))) for line in lines[1:]]
    return {row["name"]: float(row["psnr"]) for row in rows}


def reference_classify(classifier: Path, image: Path):
    """Integer logits of the Python reference on the image resized with INTER_AREA."""
    return [int(v) for v in _reference("classify", classifier, image).split()]
