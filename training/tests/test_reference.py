"""The integer reference: hand-checked op semantics, golden files, accounting."""
import tempfile
from pathlib import Path

import numpy as np
import pytest

from nqe.model_format import ModelBuilder, load_model, pb
from nqe.reference import Interpreter, ops
from nqe.reference.accounting import memory_report
from nqe.reference.golden import read_golden
from nqe.tools.make_golden import CASES, write_cases

GOLDEN = Path(__file__).resolve().parents[2] / "tests" / "golden"


def test_rshift_round_is_round_half_up():
    v = np.array([-5, -4, -3, -2, -1, 0, 1, 2, 3, 5]).reshape(1, -1, 1, 1)
    got = ops.rshift_round(v, np.ones(10, np.int64)).reshape(-1)
    # v/2 = -2.5 -2 -1.5 -1 -0.5 0 0.5 1 1.5 2.5, rounded half up:
    assert list(got) == [-2, -2, -1, -1, 0, 0, 1, 1, 2, 3]
    assert list(ops.rshift_round(v, np.zeros(10, np.int64)).reshape(-1)) == list(v.reshape(-1))


def test_hwmsb_levels():
    v = np.arange(-2, 9).reshape(1, 1, 1, -1)
    got = ops.activation(v, pb.Activation(kind=pb.HWMSB, bits=2)).reshape(-1)
    assert list(got) == [0, 0, 0, 1, 2, 2, 4, 4, 4, 4, 4]


def test_qrelu_and_sign():
    v = np.array([-3, 0, 1, 5, 9]).reshape(1, 1, 1, -1)
    assert list(ops.activation(v, pb.Activation(kind=pb.QRELU, bits=3)).reshape(-1)) == [0, 0, 1, 5, 7]
    assert list(ops.activation(v, pb.Activation(kind=pb.QRELU, bits=1)).reshape(-1)) == [0, 0, 1, 1, 1]
    assert list(ops.activation(v, pb.Activation(kind=pb.SIGN, bits=1)).reshape(-1)) == [0, 0, 1, 1, 1]


def test_mux_selects_per_channel_by_thresholded_sum():
    # 2x2 maps, k = 2 (max 3): threshold 2*sum > 4*3 = 12, i.e. sum > 6.
    block = np.array([[[[3, 3], [1, 0]]], [[[0, 1], [2, 0]]]]).reshape(1, 2, 2, 2)
    branch = np.array([[[[1, 2], [3, 0]]], [[[3, 3], [3, 3]]]]).reshape(1, 2, 2, 2)
    out = ops.mux_residual(block, branch, bits=2)
    np.testing.assert_array_equal(out[0, 0], branch[0, 0])               # sum 7 > 6: pass-through
    np.testing.assert_array_equal(out[0, 1], (block[0, 1] + branch[0, 1]) >> 1)  # sum 3: add+shift
    k1 = ops.mux_residual(np.zeros((1, 1, 1, 2), int), np.array([[[[0, 1]]]]), bits=1)
    assert list(k1.reshape(-1)) == [0, 1]  # k = 1: (a + b + 1) >> 1 is an OR


def test_conv_grouped_stride_padding_by_loop():
    rng = np.random.default_rng(3)
    x = rng.integers(-50, 50, (1, 4, 5, 6))
    w = rng.integers(-2, 3, (6, 2, 3, 3))
    got = ops.conv2d(x, w, stride=2, padding=1, groups=2)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    for o in range(6):
        g = o // 3
        for y in range(got.shape[2]):
            for xx in range(got.shape[3]):
                window = xp[0, 2 * g:2 * g + 2, 2 * y:2 * y + 3, 2 * xx:2 * xx + 3]
                assert got[0, o, y, xx] == (window * w[o]).sum()


@pytest.mark.parametrize("name", sorted(CASES))
def test_blas_path_matches_integer_path(name):
    model = load_model(GOLDEN / f"{name}.nqe")
    image = read_golden((GOLDEN / f"{name}.golden").read_bytes())[0][0]
    for a, b in zip(Interpreter(model).run(image, trace=True),
                    Interpreter(model, blas=True).run(image, trace=True)):
        np.testing.assert_array_equal(a, b)


def test_committed_golden_files_are_reproducible():
    with tempfile.TemporaryDirectory() as tmp:
        write_cases(Path(tmp))
        for name in CASES:
            for ext in (".nqe", ".golden"):
                fresh = (Path(tmp) / f"{name}{ext}").read_bytes()
                assert fresh == (GOLDEN / f"{name}{ext}").read_bytes(), (
                    f"{name}{ext} differs: rerun python -m nqe.tools.make_golden")


def test_memory_report_by_hand():
    b = ModelBuilder("m", "classify", (4, 4), offset=0, class_names=["a", "b"])
    b.conv(np.ones((8, 3, 3, 3), int), padding=1, encoding="ternary")   # 216 levels -> 44 groups
    b.bsn([3], biases=np.zeros(8, int), bias_bits=6)                      # 4 + 8*6 bits
    b.act("qrelu", bits=2)
    b.conv(np.ones((2, 8, 1, 1), int), encoding="binary")                # 16 bits
    b.global_sum_pool()
    report = memory_report(b.finish())
    assert report["param_bits"] == 44 * 8 + 4 + 48 + 16
    # Stages: act reads the input (4*4*3*8 = 384) through transient conv/BSN, writes 4*4*8*2
    # = 256; GSP reads the un-fused conv output (2*4*4*32 = 1024) and writes 2*32.
    assert report["activation_bits"] == max(384 + 256, 1024 + 64, 256 + 1024)
