"""Weights generated on line by an elementary cellular automaton (MOGNET's CFLOG pointwise).

Only (rule, seed) are stored. The seed expansion through splitmix64 and the +-1 mapping are our
choice; docs/integer-semantics.md gives the exact rule that the C++ engine follows too.
"""
import numpy as np

_MASK = (1 << 64) - 1


def splitmix64(seed: int, count: int) -> list:
    """The first `count` outputs of splitmix64 seeded with `seed` (all arithmetic mod 2^64)."""
    state, out = seed & _MASK, []
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & _MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        out.append(z ^ (z >> 31))
    return out


def initial_state(cells: int, seed: int) -> np.ndarray:
    words = splitmix64(seed, (cells + 63) // 64)
    return np.array([(words[c // 64] >> (c % 64)) & 1 for c in range(cells)], dtype=np.uint8)


def step(state: np.ndarray, rule: int) -> np.ndarray:
    """One update with periodic boundary: new[c] = rule bit (4*left + 2*centre + right)."""
    index = 4 * np.roll(state, 1) + 2 * state + np.roll(state, -1)
    return ((rule >> index.astype(np.int64)) & 1).astype(np.uint8)


def ca_levels(shape, rule: int, seed: int) -> np.ndarray:
    """+-1 levels of shape (O, I, kh, kw): output channel o, flattened (i, ky, kx) index j is
    cell o of the state after j + 1 updates."""
    if not 0 <= rule <= 255:
        raise ValueError(f"CA rule must be 0..255, got {rule}")
    out_ch = shape[0]
    rows = int(np.prod(shape[1:]))
    state = initial_state(out_ch, seed)
    states = np.empty((rows, out_ch), dtype=np.uint8)
    for j in range(rows):
        state = step(state, rule)
        states[j] = state
    return (states.T.astype(np.int8) * 2 - 1).reshape(shape)
