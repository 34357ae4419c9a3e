"""Golden vectors: a model, some inputs, and every tensor the reference computes for them.

File layout (little-endian), read by tests/golden_test.cc:
  "NQEG", uint32 version = 1, uint32 n_inputs, then per input:
    uint32 height, width, channels; height*width*channels uint8 (HWC, RGB);
    uint32 n_tensors (one per layer); per tensor: uint32 c, h, w; c*h*w int32 (CHW).
"""
import struct

import numpy as np

from .interpreter import Interpreter

MAGIC, VERSION = b"NQEG", 1


def golden_bytes(model, images: np.ndarray) -> bytes:
    traces = Interpreter(model).run(images, trace=True)
    out = [MAGIC, struct.pack("<II", VERSION, len(images))]
    for n, image in enumerate(images):
        out.append(struct.pack("<III", *image.shape))
        out.append(image.astype(np.uint8).tobytes())
        out.append(struct.pack("<I", len(traces)))
        for tensor in traces:
            t = tensor[n]
            if t.min() < -(1 << 31) or t.max() >= 1 << 31:
                raise OverflowError("a golden tensor leaves int32: the model is invalid")
            out.append(struct.pack("<III", *t.shape))
            out.append(t.astype("<i4").tobytes())
    return b"".join(out)


def read_golden(data: bytes):
    """Parses golden bytes into [(image, [tensor, ...]), ...] (used by the Python tests)."""
    assert data[:4] == MAGIC
    version, count = struct.unpack_from("<II", data, 4)
    assert version == VERSION
    pos, cases = 12, []
    for _ in range(count):
        h, w, c = struct.unpack_from("<III", data, pos)
        pos += 12
        image = np.frombuffer(data, np.uint8, h * w * c, pos).reshape(h, w, c)
        pos += h * w * c
        (n,) = struct.unpack_from("<I", data, pos)
        pos += 4
        tensors = []
        for _ in range(n):
            tc, th, tw = struct.unpack_from("<III", data, pos)
            pos += 12
            tensors.append(np.frombuffer(data, "<i4", tc * th * tw, pos).reshape(tc, th, tw))
            pos += 4 * tc * th * tw
        cases.append((image, tensors))
    assert pos == len(data)
    return cases
