"""Straight-through estimators shared by the quantisers.

Everything here works in *integer units*: the forward value is the integer the engine computes,
the backward pass is a surrogate gradient.
"""
from __future__ import annotations

import torch


def round_half_up(x: torch.Tensor) -> torch.Tensor:
    """floor(x + 0.5): the engine's rounding (docs/integer-semantics.md, BitShiftNorm)."""
    return torch.floor(x + 0.5)


def ste(forward_value: torch.Tensor, surrogate: torch.Tensor) -> torch.Tensor:
    """Return ``forward_value`` in the forward pass and the gradient of ``surrogate`` backward."""
    return surrogate + (forward_value - surrogate).detach()


def round_ste(x: torch.Tensor) -> torch.Tensor:
    return ste(round_half_up(x), x)


def clipped_identity(x: torch.Tensor, lo: float, hi: float) -> torch.Tensor:
    """Identity forward; gradient 1 inside [lo, hi] and 0 outside (the clipped STE)."""
    inside = ((x >= lo) & (x <= hi)).to(x.dtype)
    return x * inside + (x * (1 - inside)).detach()
