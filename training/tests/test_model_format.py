"""The .nqe container and the weight encodings (docs/model-format.md, integer-semantics.md)."""
import struct

import numpy as np
import pytest

from nqe.model_format import ModelBuilder, ModelFormatError, from_bytes, to_bytes
from nqe.model_format import bitstream, weights
from nqe.model_format.cellular_automaton import ca_levels, splitmix64
from nqe.model_format.flexor import decrypt_levels, random_xor_matrix


def _tiny_model():
    b = ModelBuilder("tiny", "classify", (4, 4), offset=128, class_names=["a", "b"])
    b.conv(np.ones((2, 3, 3, 3), dtype=int), padding=1)
    b.global_sum_pool()
    return b.finish()


def test_container_round_trip():
    model = _tiny_model()
    assert from_bytes(to_bytes(model)) == model


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d[:10], "truncated"),
    (lambda d: d[:-1], "truncated"),
    (lambda d: d + b"\0", "trailing"),
    (lambda d: b"XXXX" + d[4:], "not an NQE model file"),
    (lambda d: d[:4] + struct.pack("<I", 2) + d[8:], "format version 2"),
    (lambda d: d[:20] + bytes([d[20] ^ 1]) + d[21:], "corrupt"),
])
def test_container_refuses_bad_files(mutate, message):
    with pytest.raises(ModelFormatError, match=message):
        from_bytes(mutate(to_bytes(_tiny_model())))


def test_bitstream_is_lsb_first():
    assert bitstream.pack_fields([1, 2, 3], 2) == bytes([0b111001])
    assert list(bitstream.unpack_fields(bytes([0b111001]), 2, 3)) == [1, 2, 3]


def test_ternary_group_by_hand():
    # levels 1,0,-1,1,1 -> digits 2,1,0,2,2 -> 2 + 1*3 + 0*9 + 2*27 + 2*81 = 221
    w = weights.pack_levels([1, 0, -1, 1, 1], "ternary")
    assert w.packed == bytes([221])
    assert weights.stored_bits(w) == 8


def test_quinary_group_by_hand():
    # levels -2,2,0 -> digits 0,4,2 -> 0 + 4*5 + 2*25 = 70 in a 7-bit field
    w = weights.pack_levels([-2, 2, 0], "quinary")
    assert w.packed == bytes([70])
    assert weights.stored_bits(w) == 7


def test_int_k_sign_extension():
    w = weights.pack_levels([-8, 7, -1, 0], "int4")
    assert w.packed == bytes([0x78, 0x0F])
    assert list(weights.unpack_levels(w, (4,))) == [-8, 7, -1, 0]


@pytest.mark.parametrize("encoding", ["binary", "ternary", "quinary", "int2", "int3", "int8"])
def test_levels_round_trip(encoding):
    lo, hi = weights.level_range(*weights.parse_encoding(encoding))
    rng = np.random.default_rng(0)
    levels = rng.integers(lo, hi + 1, size=(7, 3, 3, 3))
    if encoding == "binary":
        levels = np.where(levels == 0, 1, levels)
    w = weights.pack_levels(levels, encoding)
    np.testing.assert_array_equal(weights.unpack_levels(w, levels.shape), levels)


def test_levels_out_of_range_are_refused():
    with pytest.raises(ValueError):
        weights.pack_levels([2], "ternary")
    with pytest.raises(ValueError):
        weights.pack_levels([0], "binary")


def test_flexor_decryption_by_hand():
    # M rows (n_out=3, n_in=2): [1,0], [0,1], [1,1]; e = [1,0] -> bits 1,0,1 -> +1,-1,+1
    matrix = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.uint8)
    assert list(decrypt_levels([1, 0], matrix, (3,))) == [1, -1, 1]
    w = weights.pack_flexor([1, 0], np.array([[1, 0], [0, 1], [1, 0]], np.uint8), 1, 3)
    assert list(weights.unpack_levels(w, (3,))) == [1, -1, 1]
    assert weights.stored_bits(w) == 2 + 6  # encrypted bits + the XOR matrix


def test_flexor_refuses_rows_with_wrong_tap_count():
    with pytest.raises(ValueError, match="n_tap"):
        weights.pack_flexor([1, 0], np.array([[1, 1], [0, 1]], np.uint8), 1, 2)


def test_flexor_is_fractional_bits_per_weight():
    rng = np.random.default_rng(1)
    count, n_in, n_out = 2000, 16, 20
    w = weights.pack_flexor(rng.integers(0, 2, count // n_out * n_in),
                            random_xor_matrix(n_out, n_in, 2, rng), 2, count)
    assert weights.stored_bits(w) == 1600 + 320  # 0.8 b/w plus the shared matrix


def test_splitmix64_known_values():
    # Reference outputs of splitmix64 seeded with 0 (Vigna's published generator).
    assert splitmix64(0, 2) == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4]


def test_rule30_rows():
    levels = ca_levels((8, 3, 1, 1), rule=30, seed=0)
    assert levels.shape == (8, 3, 1, 1)
    assert set(np.unique(levels)) <= {-1, 1}
    # Each weight column is one CA state: recompute state 1 from state 0 by the rule table.
    from nqe.model_format.cellular_automaton import initial_state, step
    s0 = initial_state(8, 0)
    s1 = np.array([(30 >> (4 * s0[(c - 1) % 8] + 2 * s0[c] + s0[(c + 1) % 8])) & 1 for c in range(8)])
    np.testing.assert_array_equal(levels[:, 0, 0, 0], s1 * 2 - 1)
    np.testing.assert_array_equal(step(s0, 30), s1)
