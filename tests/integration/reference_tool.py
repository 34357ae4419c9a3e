"""The Python integer reference (training/nqe/reference), run in its own process: its
generated nqe_model.proto module and the tests' gRPC stubs cannot share one protobuf pool.

  reference_tool.py codes <encoder.nqe> <image> <out.bin>   -> prints "C q patch"
  reference_tool.py classify <classifier.nqe> <image>        -> prints the logits
  reference_tool.py checksum <model.nqe>                     -> prints the checksum
"""
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "training"))
from nqe.model_format import load_model  # noqa: E402
from nqe.model_format.container import model_checksum  # noqa: E402
from nqe.reference.interpreter import Interpreter  # noqa: E402


def codes(encoder, image, out):
    model = load_model(encoder)
    p = model.code_layout.patch_size
    rgb = cv2.cvtColor(cv2.imread(image, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    h, w = rgb.shape[:2]
    # Edge replication at the right and bottom, as edge_encoder/patches.h does.
    padded = np.pad(rgb, ((0, -h % p), (0, -w % p), (0, 0)), mode="edge")
    rows, cols = padded.shape[0] // p, padded.shape[1] // p
    patches = padded.reshape(rows, p, cols, p, 3).transpose(0, 2, 1, 3, 4).reshape(-1, p, p, 3)
    bits = Interpreter(model, blas=True).run(np.ascontiguousarray(patches))  # N x C x q x q
    packed = np.packbits(bits.reshape(len(bits), -1).astype(np.uint8), axis=1, bitorder="little")
    Path(out).write_bytes(packed.tobytes())
    print(bits.shape[1], bits.shape[2], p)


def classify(classifier, image):
    model = load_model(classifier)
    bgr = cv2.imread(image, cv2.IMREAD_COLOR)
    small = cv2.resize(bgr, (model.input.width, model.input.height), interpolation=cv2.INTER_AREA)
    logits = Interpreter(model).run(cv2.cvtColor(small, cv2.COLOR_BGR2RGB)).reshape(-1)
    print(" ".join(str(int(v)) for v in logits))


def checksum(path):
    print(model_checksum(load_model(path)))


if __name__ == "__main__":
    {"codes": codes, "classify": classify, "checksum": checksum}[sys.argv[1]](*sys.argv[2:])
