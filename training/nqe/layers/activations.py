"""Activation quantisers (integer outputs, straight-through gradients).

Input: the (float, or already integer in BSN phase 2) normalised pre-activation y in
integer units. Output: exactly the engine's integer activation of round_half_up(y).
"""
from __future__ import annotations

import torch
from torch import nn

from .ste import clipped_identity, round_half_up, ste


class _ClampRound(torch.autograd.Function):
    """clamp(round(y), 0, m) with gradient 1 where round(y) is in [0, m] (the clipped STE).

    Written out, in the input's dtype and memory layout: the activation tensors are the
    largest in the network, and both an unfused STE (~10 elementwise passes) and ATen's fused
    fake_quantize (fp32 only, so every bf16 activation went to fp32 and back) cost more time
    than the convolutions on this CPU; this takes a training step of ablate-base from ~230 to
    ~150 ms of CPU. It rounds half to even, not half up; the difference is only at exact .5
    ties: never hit by a float phase-1 pre-activation, and in phase 2 the BSN output is already
    an integer (rounded half up, as the engine does), so this is exact. In bf16 an integer
    above 256 may be rounded to a neighbour, which the clamp to [0, m] makes irrelevant."""

    @staticmethod
    def forward(ctx, y: torch.Tensor, m: int) -> torch.Tensor:
        r = torch.round(y)
        q = r.clamp(0, m)
        ctx.save_for_backward(q == r)  # three passes over the tensor, not five
        return q

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        (inside,) = ctx.saved_tensors
        return grad * inside, None


class QReLU(nn.Module):
    """k-bit QReLU: clamp(round(y), 0, 2^k - 1); k = 1 gives 1{y > 0} on integers (y >= 1 after
    rounding: the engine applies the activation to the BSN's integer output)."""
    kind = "qrelu"

    def __init__(self, bits: int):
        super().__init__()
        assert 1 <= bits <= 3, "the engine supports QReLU with 1..3 bits"
        self.bits = bits
        self.max_value = 2 ** bits - 1

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        # Gradient passes where the value is not saturated (+-0.5 for the rounding cells).
        return _ClampRound.apply(y, self.max_value)

    def extra_repr(self) -> str:
        return f"bits={self.bits}"


class HWMSB(nn.Module):
    """2-bit half-wave MSB (logarithmic) quantiser, values {0, 1, 2, 4} (our reading of the
    research, see docs/integer-semantics.md)."""
    kind = "hwmsb"
    bits = 2
    max_value = 4

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        r = round_half_up(y)
        q = torch.where(r >= 4, torch.full_like(r, 4.0),
                        torch.where(r >= 2, torch.full_like(r, 2.0), torch.clamp(r, 0, 1)))
        return ste(q, clipped_identity(y, -0.5, 5.5))


class Sign(nn.Module):
    """Code bit 1{v > 0} (the encoder's last layer); the surrogate is a clipped identity."""
    kind = "sign"
    bits = 1
    max_value = 1

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        q = (round_half_up(y) > 0).to(y.dtype)
        return ste(q, clipped_identity(y, -1.0, 2.0))


class FloatReLU(nn.Module):
    """Unquantised ReLU: for float teachers (train.distill), which are never exported."""
    kind = "relu"
    bits = None
    max_value = None

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        return torch.relu(y)


def make_activation(spec: dict) -> nn.Module:
    """spec: {"kind": "qrelu", "bits": k} | {"kind": "hwmsb"} | {"kind": "sign"} |
    {"kind": "relu"} (float teachers only)."""
    kind = spec["kind"]
    if kind == "qrelu":
        return QReLU(int(spec["bits"]))
    if kind == "hwmsb":
        return HWMSB()
    if kind == "sign":
        return Sign()
    if kind == "relu":
        return FloatReLU()
    raise ValueError(f"unknown activation kind {kind!r}")
