"""Packing integer weight levels into a Weights message and back (docs/integer-semantics.md)."""
import numpy as np

from . import bitstream, flexor
from .cellular_automaton import ca_levels
from .proto import pb

# Radix-packed encodings: (radix, levels per group, bits per group).
_RADIX = {pb.TERNARY: (3, 5, 8), pb.QUINARY: (5, 3, 7)}

ENCODING_NAMES = {"binary": pb.BINARY, "ternary": pb.TERNARY, "quinary": pb.QUINARY,
                  "flexor": pb.FLEXOR, "ca": pb.CELLULAR_AUTOMATON}


def parse_encoding(name: str):
    """'ternary' -> (TERNARY, 0); 'int4' -> (INT_K, 4)."""
    if name in ENCODING_NAMES:
        return ENCODING_NAMES[name], 0
    if name.startswith("int") and name[3:].isdigit() and 2 <= int(name[3:]) <= 8:
        return pb.INT_K, int(name[3:])
    raise ValueError(f"unknown weight encoding {name!r}: use binary, ternary, quinary or int2..int8")


def level_range(encoding, int_bits: int = 0):
    if encoding in _RADIX:
        half = (_RADIX[encoding][0] - 1) // 2
        return -half, half
    if encoding == pb.INT_K:
        return -(1 << (int_bits - 1)), (1 << (int_bits - 1)) - 1
    return -1, 1  # binary-valued encodings


def pack_levels(levels, encoding_name: str) -> "pb.Weights":
    """Packs explicit levels (BINARY, TERNARY, QUINARY, INT_K)."""
    encoding, int_bits = parse_encoding(encoding_name)
    levels = np.asarray(levels).astype(np.int64).reshape(-1)
    lo, hi = level_range(encoding, int_bits)
    if levels.size and (levels.min() < lo or levels.max() > hi):
        raise ValueError(f"{encoding_name} levels must lie in [{lo}, {hi}]")
    w = pb.Weights(encoding=encoding, count=levels.size, int_bits=int_bits)
    if encoding == pb.BINARY:
        if np.any(levels == 0):
            raise ValueError("binary levels must be -1 or +1")
        w.packed = bitstream.pack_bits(levels > 0)
    elif encoding in _RADIX:
        radix, group, width = _RADIX[encoding]
        digits = np.zeros(-(-levels.size // group) * group, dtype=np.uint64)
        digits[: levels.size] = levels - lo
        powers = radix ** np.arange(group, dtype=np.uint64)
        w.packed = bitstream.pack_fields((digits.reshape(-1, group) * powers).sum(axis=1), width)
    elif encoding == pb.INT_K:
        w.packed = bitstream.pack_fields(levels & ((1 << int_bits) - 1), int_bits)
    else:
        raise ValueError(f"{encoding_name} weights are not packed from levels")
    return w


def pack_flexor(encrypted_bits, xor_matrix: np.ndarray, n_tap: int, count: int) -> "pb.Weights":
    n_out, n_in = xor_matrix.shape
    if np.any(xor_matrix.sum(axis=1) != n_tap):
        raise ValueError(f"every XOR matrix row must hold exactly n_tap={n_tap} ones")
    bits = np.asarray(encrypted_bits, dtype=np.uint8).reshape(-1)
    if bits.size != flexor.slices_needed(count, n_out) * n_in:
        raise ValueError("encrypted bit count does not match the weight count")
    return pb.Weights(encoding=pb.FLEXOR, count=count, packed=bitstream.pack_bits(bits),
                      flexor=pb.FlexorParams(n_in=n_in, n_out=n_out, n_tap=n_tap,
                                             xor_matrix=bitstream.pack_bits(xor_matrix)))


def pack_ca(rule: int, seed: int, count: int) -> "pb.Weights":
    return pb.Weights(encoding=pb.CELLULAR_AUTOMATON, count=count,
                      ca=pb.CellularAutomatonParams(rule=rule, seed=seed))


def unpack_levels(w: "pb.Weights", shape) -> np.ndarray:
    """The int8 levels of shape `shape` (OIHW) that a Weights message stores."""
    count = int(np.prod(shape))
    if w.count != count:
        raise ValueError(f"weights hold {w.count} levels, the layer needs {count}")
    if w.encoding == pb.BINARY:
        levels = bitstream.unpack_bits(w.packed, count).astype(np.int64) * 2 - 1
    elif w.encoding in _RADIX:
        radix, group, width = _RADIX[w.encoding]
        fields = bitstream.unpack_fields(w.packed, width, -(-count // group)).astype(np.int64)
        if np.any(fields >= radix ** group):
            raise ValueError("radix-packed field past its radix: corrupt weights")
        digits = (fields[:, None] // radix ** np.arange(group)) % radix
        levels = digits.reshape(-1)[:count] - (radix - 1) // 2
    elif w.encoding == pb.INT_K:
        k = w.int_bits
        fields = bitstream.unpack_fields(w.packed, k, count).astype(np.int64)
        levels = np.where(fields >= 1 << (k - 1), fields - (1 << k), fields)
    elif w.encoding == pb.FLEXOR:
        f = w.flexor
        matrix = bitstream.unpack_bits(f.xor_matrix, f.n_out * f.n_in).reshape(f.n_out, f.n_in)
        encrypted = bitstream.unpack_bits(w.packed, flexor.slices_needed(count, f.n_out) * f.n_in)
        return flexor.decrypt_levels(encrypted, matrix, shape)
    elif w.encoding == pb.CELLULAR_AUTOMATON:
        return ca_levels(shape, w.ca.rule, w.ca.seed)
    else:
        raise ValueError(f"unknown weight encoding {w.encoding}")
    return levels.astype(np.int8).reshape(shape)


def stored_bits(w: "pb.Weights") -> int:
    """Bits this layer's weights occupy in parameter memory (DESIGN.md contract 3)."""
    if w.encoding == pb.BINARY:
        return w.count
    if w.encoding in _RADIX:
        _, group, width = _RADIX[w.encoding]
        return width * -(-w.count // group)
    if w.encoding == pb.INT_K:
        return w.int_bits * w.count
    if w.encoding == pb.FLEXOR:
        f = w.flexor
        return flexor.slices_needed(w.count, f.n_out) * f.n_in + f.n_out * f.n_in
    if w.encoding == pb.CELLULAR_AUTOMATON:
        return 8 + 64
    raise ValueError(f"unknown weight encoding {w.encoding}")
