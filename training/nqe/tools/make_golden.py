"""Writes the golden-vector cases that pin the C++ engine to the Python reference.

  /usr/bin/python3 -m nqe.tools.make_golden --out tests/golden     (PYTHONPATH=training)

Every op and every weight encoding has a case, plus whole random networks of each layer kind.
Seeds are fixed, so the output is byte-for-byte reproducible (a pytest checks the committed
files against a fresh run).
"""
import argparse
from pathlib import Path

import numpy as np

from ..model_format import ModelBuilder, pb, save_model
from ..model_format.flexor import random_xor_matrix
from .. reference.golden import golden_bytes

_ENC_RANGE = {"binary": (-1, 1), "ternary": (-1, 1), "quinary": (-2, 2), "int2": (-2, 1),
              "int4": (-8, 7), "int8": (-128, 127)}


def _levels(rng, shape, encoding):
    lo, hi = _ENC_RANGE[encoding]
    if encoding == "binary":
        return rng.choice([-1, 1], size=shape)
    return rng.integers(lo, hi + 1, size=shape)


def _images(rng, n, h, w):
    images = rng.integers(0, 256, size=(n, h, w, 3), dtype=np.uint8)
    images[0, 0, :] = 0  # extremes, so range edges are exercised
    images[-1, -1, :] = 255
    return images


def _front(b, rng, channels=8, encoding="int4", shift=5, bits=3, stride=1, padding=1):
    """conv -> BSN -> QReLU: turns the uint8 input into k-bit activations for later ops."""
    b.conv(_levels(rng, (channels, 3, 3, 3), encoding), stride=stride, padding=padding,
           encoding=encoding, name="front_conv")
    b.bsn(shift, biases=rng.integers(-64, 64, channels), bias_bits=8, name="front_bsn")
    return b.act("qrelu", bits=bits, name="front_act")


def conv_case(encoding, k=3, stride=1, padding=1, groups=1, cin=6, cout=8, offset=128):
    def build(rng):
        b = ModelBuilder(f"conv_{encoding}", "classify", (9, 11), offset=offset)
        b.conv(_levels(rng, (cin, 3, 3, 3), "int4"), padding=1, encoding="int4")
        b.conv(_levels(rng, (cout, cin // groups, k, k), encoding), stride=stride,
               padding=padding, groups=groups, encoding=encoding)
        return b
    return build


def case_conv_flexor(rng):
    b = ModelBuilder("conv_flexor", "classify", (8, 8), offset=128)
    shape = (8, 3, 3, 3)
    n_in, n_out = 16, 20
    slices = -(-int(np.prod(shape)) // n_out)
    b.conv_flexor(shape, rng.integers(0, 2, slices * n_in), random_xor_matrix(n_out, n_in, 2, rng),
                  n_tap=2, padding=1)
    return b


def case_conv_ca(rng):
    b = ModelBuilder("conv_ca", "classify", (8, 8), offset=128)
    _front(b, rng, channels=70)  # 70 cells: the seed expansion crosses a 64-bit word
    b.conv_ca((90, 70, 1, 1), rule=30, seed=0xDEADBEEF12345678)
    return b


def case_int8_extremes(rng):
    b = ModelBuilder("int8_extremes", "classify", (6, 6), offset=0)
    levels = np.full((4, 3, 5, 5), 127)
    levels[1] = -128
    levels[2] = rng.integers(-128, 128, (3, 5, 5))
    levels[3, :, ::2] = -128
    b.conv(levels, padding=2, encoding="int8")
    b.bsn([0, 1, 15, 7], biases=[-(1 << 23), (1 << 23) - 1, 3, -3], bias_bits=24)
    return b


def bsn_case(per_channel, with_bias):
    def build(rng):
        b = ModelBuilder("bsn", "classify", (7, 9), offset=128)
        b.conv(_levels(rng, (6, 3, 3, 3), "quinary"), padding=1, encoding="quinary")
        shifts = rng.integers(0, 8, 6) if per_channel else [4]
        b.bsn(shifts, biases=rng.integers(-100, 100, 6) if with_bias else None, bias_bits=8)
        return b
    return build


def act_case(kind, bits):
    def build(rng):
        b = ModelBuilder(f"act_{kind}{bits}", "classify", (8, 8), offset=128)
        b.conv(_levels(rng, (8, 3, 3, 3), "ternary"), padding=1)
        b.bsn(list(range(3, 11)), biases=rng.integers(-20, 20, 8), bias_bits=8)
        b.act(kind, bits=bits)
        return b
    return build


def maxpool_case(kernel, stride):
    def build(rng):
        b = ModelBuilder("maxpool", "classify", (11, 10), offset=128)
        b.conv(_levels(rng, (4, 3, 3, 3), "int2"), padding=1, encoding="int2")
        b.max_pool(kernel, stride)
        return b
    return build


def case_global_sum_pool(rng):
    b = ModelBuilder("gsp", "classify", (8, 12), offset=128, class_names=list("abcde"))
    b.conv(_levels(rng, (5, 3, 3, 3), "ternary"), padding=1)
    b.global_sum_pool()
    return b


def mux_case(bits):
    def build(rng):
        b = ModelBuilder(f"mux{bits}", "classify", (8, 8), offset=128)
        x = _front(b, rng, channels=8, bits=bits, shift=4 + bits)
        b.conv(_levels(rng, (8, 8, 3, 3), "ternary"), padding=1)
        b.bsn([2], biases=rng.integers(-4, 5, 8), bias_bits=4)
        y = b.act("qrelu", bits=bits)
        b.mux(x, y, bits)
        return b
    return build


def case_net_classifier(rng):
    """A small MOGNET-style classifier: MUX residual, CFLOG block, max pool, logits."""
    b = ModelBuilder("net_classifier", "classify", (16, 16), offset=128,
                     class_names=[f"c{i}" for i in range(10)])
    x = _front(b, rng, channels=16, encoding="quinary", shift=4)
    b.conv(_levels(rng, (16, 16, 3, 3), "ternary"), padding=1)
    b.bsn([4])
    y = b.act("qrelu", bits=3)
    b.mux(x, y, 3)
    b.max_pool(2, 2)
    b.conv(_levels(rng, (8, 16, 1, 1), "binary"), encoding="binary")          # CFLOG: pointwise
    b.conv(_levels(rng, (8, 2, 3, 3), "ternary"), padding=1, groups=4)          # grouped
    b.conv_ca((24, 8, 1, 1), rule=30, seed=12345)                               # CA pointwise
    b.bsn(rng.integers(2, 6, 24), biases=rng.integers(-16, 16, 24), bias_bits=6)
    b.act("hwmsb")
    b.conv(_levels(rng, (24, 1, 3, 3), "int4"), stride=2, padding=1, groups=24, encoding="int4")
    b.bsn([3])
    b.act("qrelu", bits=2)
    b.conv(_levels(rng, (10, 24, 1, 1), "ternary"))
    b.global_sum_pool()
    return b


def case_net_encoder(rng):
    """A patch encoder: 16x16 RGB -> 64 code bits through stride-2 convs and a SIGN output."""
    b = ModelBuilder("net_encoder", "encode", (16, 16), offset=128, code_layout=(16, 64))
    _front(b, rng, channels=12, encoding="quinary", shift=5, stride=2)
    b.conv(_levels(rng, (16, 12, 3, 3), "ternary"), stride=2, padding=1)
    b.bsn(3, biases=rng.integers(-8, 8, 16), bias_bits=5)
    b.act("qrelu", bits=1)
    b.conv(_levels(rng, (16, 16, 3, 3), "ternary"), stride=2, padding=1)
    b.bsn(2)
    b.act("sign")
    return b


def case_net_flexor(rng):
    b = ModelBuilder("net_flexor", "classify", (12, 12), offset=64, class_names=list("xyz"))
    _front(b, rng, channels=8, encoding="int4", shift=5, bits=2)
    shape = (16, 8, 3, 3)
    n_in, n_out = 12, 15
    slices = -(-int(np.prod(shape)) // n_out)
    b.conv_flexor(shape, rng.integers(0, 2, slices * n_in), random_xor_matrix(n_out, n_in, 3, rng),
                  n_tap=3, padding=1, stride=2)
    b.bsn([3])
    b.act("qrelu", bits=1)
    b.max_pool(3, 2)
    b.conv(_levels(rng, (3, 16, 1, 1), "int2"), encoding="int2")
    b.global_sum_pool()
    return b


CASES = {
    **{f"conv_{e}": conv_case(e) for e in ("binary", "ternary", "quinary", "int2", "int4", "int8")},
    "conv_1x1": conv_case("ternary", k=1, padding=0),
    "conv_5x5_stride2": conv_case("quinary", k=5, stride=2, padding=2),
    "conv_grouped": conv_case("ternary", groups=2, cin=6, cout=4, stride=2, padding=0),
    "conv_depthwise": conv_case("int4", groups=6, cin=6, cout=6),
    "conv_offset0": conv_case("int4", offset=0),
    "conv_flexor": case_conv_flexor,
    "conv_ca": case_conv_ca,
    "int8_extremes": case_int8_extremes,
    "bsn_shared": bsn_case(False, False),
    "bsn_per_channel_bias": bsn_case(True, True),
    **{f"act_qrelu{k}": act_case("qrelu", k) for k in (1, 2, 3)},
    "act_hwmsb": act_case("hwmsb", 2),
    "act_sign": act_case("sign", 1),
    "maxpool_2x2": maxpool_case(2, 2),
    "maxpool_3x3_s2": maxpool_case(3, 2),
    "global_sum_pool": case_global_sum_pool,
    **{f"mux{k}": mux_case(k) for k in (1, 2, 3)},
    "net_classifier": case_net_classifier,
    "net_encoder": case_net_encoder,
    "net_flexor": case_net_flexor,
}


def _close_as_classifier(b: ModelBuilder) -> None:
    """An op case ends in a GlobalSumPool with one class per channel, so that every golden
    file is a complete, valid classifier; the op under test is still traced tensor by tensor.
    Raw accumulators are shifted down first: summed over the frame, their worst case would
    leave int32 and the loader (rightly) refuses such a model."""
    last = b.model.layers[-1].WhichOneof("op")
    if last in ("conv2d", "bsn"):
        b.bsn([8], name="scale_down")
    if last != "global_sum_pool":
        b.global_sum_pool(name="logits")
    b.model.class_names.extend(f"class{i}" for i in range(b._channels[-1]))


def write_cases(out_dir: Path, names=None) -> list:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for index, (name, build) in enumerate(sorted(CASES.items())):
        if names and name not in names:
            continue
        rng = np.random.default_rng(1000 + index)
        b = build(rng)
        b.model.name = name
        if b.model.task == pb.TASK_CLASSIFY and not b.model.class_names:
            _close_as_classifier(b)
        model = b.finish({"training_command": "python -m nqe.tools.make_golden",
                          "created_utc": "golden", "notes": "random weights: a test vector"})
        spec = model.input
        images = _images(rng, 2, spec.height, spec.width)
        save_model(model, out_dir / f"{name}.nqe")
        (out_dir / f"{name}.golden").write_bytes(golden_bytes(model, images))
        written.append(name)
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("tests/golden"),
                        help="folder for <case>.nqe and <case>.golden (default tests/golden)")
    parser.add_argument("--case", action="append", help="only this case (repeatable)")
    args = parser.parse_args()
    for name in write_cases(args.out, args.case):
        print(f"wrote {args.out / name}.nqe and .golden")


if __name__ == "__main__":
    main()
