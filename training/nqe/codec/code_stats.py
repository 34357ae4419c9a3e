"""Statistics of the code bits, and the decorrelation penalty built on them.

The code is a fixed number of bits per patch, so every bit that repeats another (the same
smooth content copied across a channel's positions) is capacity lost at a fixed rate. The
penalty pushes the bits of one patch towards independence; `--decorrelate` in codec.train.
"""
import torch


def bit_correlation(bits: torch.Tensor) -> torch.Tensor:
    """N x ... code bits (0/1, one row per patch) -> the B x B Pearson correlation of the B bits
    of a patch over the N patches. Bits constant over the batch get correlation 0."""
    x = bits.reshape(bits.shape[0], -1).float()
    x = x - x.mean(dim=0, keepdim=True)
    cov = x.T @ x / max(x.shape[0] - 1, 1)
    std = cov.diagonal().clamp_min(1e-6).sqrt()
    return cov / (std[:, None] * std[None, :])


def decorrelation_penalty(bits: torch.Tensor) -> torch.Tensor:
    """Mean squared correlation between distinct bits of a patch: 0 for independent bits, 1 when
    all bits are copies (or negations) of one. Differentiable through the sign's
    straight-through gradient."""
    corr = bit_correlation(bits)
    b = corr.shape[0]
    return ((corr ** 2).sum() - (corr.diagonal() ** 2).sum()) / (b * (b - 1))
