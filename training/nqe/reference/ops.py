"""The integer ops, batched over N x C x H x W int64 arrays (docs/integer-semantics.md).

Every function here is exact integer arithmetic. The one exception is the opt-in BLAS path of
conv2d, which multiplies in float64: exact too, because the loader's value-range proof bounds
every partial sum below 2^31, far inside float64's 2^53 integer range.
"""
import numpy as np

from ..model_format.proto import pb


def _windows(x: np.ndarray, kh: int, kw: int, stride: int) -> np.ndarray:
    """N x C x Ho x Wo x kh x kw view of every kernel window."""
    n, c, h, w = x.shape
    ho, wo = (h - kh) // stride + 1, (w - kw) // stride + 1
    sn, sc, sh, sw = x.strides
    return np.lib.stride_tricks.as_strided(
        x, (n, c, ho, wo, kh, kw), (sn, sc, sh * stride, sw * stride, sh, sw), writeable=False)


def conv2d(x: np.ndarray, levels: np.ndarray, stride: int, padding: int, groups: int,
           blas: bool = False) -> np.ndarray:
    o, cg, kh, kw = levels.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    cols = _windows(xp, kh, kw, stride)  # N, C, Ho, Wo, kh, kw
    n, _, ho, wo = cols.shape[:4]
    og = o // groups
    dtype = np.float64 if blas else np.int64
    out = np.empty((n, o, ho, wo), dtype=np.int64)
    for g in range(groups):
        patch = cols[:, g * cg:(g + 1) * cg].transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, -1)
        weight = levels[g * og:(g + 1) * og].reshape(og, -1)
        acc = patch.astype(dtype) @ weight.T.astype(dtype)
        out[:, g * og:(g + 1) * og] = acc.reshape(n, ho, wo, og).transpose(0, 3, 1, 2)
    return out


def rshift_round(v: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """(v + 2^(s-1)) >> s per channel, round half up; s = 0 leaves v unchanged."""
    s = shifts.reshape(1, -1, 1, 1).astype(np.int64)
    half = np.where(s > 0, np.left_shift(1, np.maximum(s - 1, 0)), 0)
    return np.right_shift(v + half, s)


def bit_shift_norm(x: np.ndarray, bsn: "pb.BitShiftNorm") -> np.ndarray:
    c = x.shape[1]
    shifts = np.array(bsn.shifts, dtype=np.int64)
    shifts = np.broadcast_to(shifts, (c,)) if shifts.size == 1 else shifts
    biases = np.array(bsn.biases, dtype=np.int64) if len(bsn.biases) else np.zeros(c, np.int64)
    return rshift_round(x + biases.reshape(1, -1, 1, 1), shifts)


def activation(x: np.ndarray, act: "pb.Activation") -> np.ndarray:
    if act.kind == pb.QRELU:
        return np.clip(x, 0, (1 << act.bits) - 1)
    if act.kind == pb.HWMSB:
        return np.select([x <= 0, x == 1, x <= 3], [0, 1, 2], default=4).astype(np.int64)
    if act.kind == pb.SIGN:
        return (x > 0).astype(np.int64)
    raise ValueError(f"unknown activation kind {act.kind}")


def max_pool(x: np.ndarray, pool: "pb.MaxPool") -> np.ndarray:
    return _windows(np.ascontiguousarray(x), pool.kernel, pool.kernel, pool.stride).max(axis=(4, 5))


def global_sum_pool(x: np.ndarray) -> np.ndarray:
    return x.sum(axis=(2, 3), keepdims=True)


def mux_residual(block_in: np.ndarray, branch: np.ndarray, bits: int) -> np.ndarray:
    h, w = block_in.shape[2:]
    select = 2 * block_in.sum(axis=(2, 3), keepdims=True) > h * w * ((1 << bits) - 1)
    total = block_in + branch
    shifted = total >> 1 if bits > 1 else (total + 1) >> 1
    return np.where(select, branch, shifted)
