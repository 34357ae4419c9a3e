"""FleXOR (Lee et al., 2020): binary weights decrypted from encrypted bits by XOR gates.

Slice i of n_out weight bits comes from encrypted bits e[i*n_in : (i+1)*n_in] as
b[i*n_out + j] = parity(M[j] AND e_i); level = +1 for bit 1, -1 for bit 0.
"""
import numpy as np


def random_xor_matrix(n_out: int, n_in: int, n_tap: int, rng: np.random.Generator) -> np.ndarray:
    """A random M in {0,1}^(n_out x n_in) with exactly n_tap ones per row (the paper's choice
    of a random, fixed XOR network)."""
    matrix = np.zeros((n_out, n_in), dtype=np.uint8)
    for row in matrix:
        row[rng.choice(n_in, size=n_tap, replace=False)] = 1
    return matrix


def slices_needed(count: int, n_out: int) -> int:
    return (count + n_out - 1) // n_out


def decrypt_bits(encrypted_bits, xor_matrix: np.ndarray, count: int) -> np.ndarray:
    """Decrypted weight bits (0/1), `count` of them."""
    n_out, n_in = xor_matrix.shape
    e = np.asarray(encrypted_bits, dtype=np.int64).reshape(slices_needed(count, n_out), n_in)
    return ((e @ xor_matrix.T.astype(np.int64)) % 2).reshape(-1)[:count].astype(np.uint8)


def decrypt_levels(encrypted_bits, xor_matrix: np.ndarray, shape) -> np.ndarray:
    count = int(np.prod(shape))
    return (decrypt_bits(encrypted_bits, xor_matrix, count).astype(np.int8) * 2 - 1).reshape(shape)
