"""LSB-first bit packing shared by every weight encoding (docs/integer-semantics.md).

Bit b of a stream is bit (b % 8) of byte (b // 8); a field of width w holding value v occupies
bits [i*w, i*w + w) with its least significant bit first.
"""
import numpy as np


def pack_fields(values, width: int) -> bytes:
    """Packs unsigned integers, each into `width` bits, into bytes."""
    values = np.asarray(values, dtype=np.uint64).reshape(-1)
    if values.size and int(values.max()) >> width:
        raise ValueError(f"a value does not fit in {width} bits")
    shifts = np.arange(width, dtype=np.uint64)
    bits = ((values[:, None] >> shifts) & np.uint64(1)).astype(np.uint8).reshape(-1)
    return np.packbits(bits, bitorder="little").tobytes()


def unpack_fields(data: bytes, width: int, count: int) -> np.ndarray:
    """The inverse of pack_fields: `count` unsigned fields of `width` bits, as uint64."""
    need = (count * width + 7) // 8
    if len(data) != need:
        raise ValueError(f"expected {need} bytes for {count} fields of {width} bits, got {len(data)}")
    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
    bits = bits[: count * width].reshape(count, width).astype(np.uint64)
    return (bits << np.arange(width, dtype=np.uint64)).sum(axis=1, dtype=np.uint64)


def pack_bits(bits) -> bytes:
    return pack_fields(np.asarray(bits, dtype=np.uint64), 1)


def unpack_bits(data: bytes, count: int) -> np.ndarray:
    return unpack_fields(data, 1, count).astype(np.uint8)
