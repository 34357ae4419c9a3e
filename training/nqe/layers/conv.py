"""Quantised convolution and the conv -> norm -> activation unit (the engine fuses these)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .activations import make_activation
from .norm import Norm
from .weights import make_weight_quantizer


class QConv2d(nn.Module):
    """Convolution with integer levels: the output is the engine's int32 accumulator."""

    def __init__(self, in_ch: int, out_ch: int, k: int, stride: int = 1, padding: int | None = None,
                 groups: int = 1, weights: dict | None = None):
        super().__init__()
        self.in_ch, self.out_ch, self.k, self.stride, self.groups = in_ch, out_ch, k, stride, groups
        self.padding = k // 2 if padding is None else padding
        self.quant = make_weight_quantizer(weights or {"kind": "uniform"},
                                           (out_ch, in_ch // groups, k, k))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Under bf16 autocast conv2d casts both operands: the levels (small integers) and the
        # activations (<= 8-bit integers) are exact in bf16, only the accumulator is rounded.
        return F.conv2d(x, self.quant.levels(), None, self.stride, self.padding, 1, self.groups)

    def extra_repr(self) -> str:
        return (f"{self.in_ch}, {self.out_ch}, k={self.k}, stride={self.stride}, "
                f"padding={self.padding}, groups={self.groups}")


class ConvUnit(nn.Module):
    """convs (one, or the CFLOG chain with no nonlinearity between) -> Norm -> activation.

    ``mask`` implements structural pruning: a pruned output channel is forced to 0, so
    removing it (and the matching input channels of its consumers) at export is exact."""

    def __init__(self, convs: list[QConv2d], norm: Norm, act: nn.Module):
        super().__init__()
        self.convs = nn.ModuleList(convs)
        self.norm = norm
        self.act = act
        self.register_buffer("mask", torch.ones(convs[-1].out_ch))

    @property
    def pruned(self) -> bool:
        # Derived from the mask buffer, so a checkpoint restores it.
        return bool((self.mask == 0).any())

    @property
    def out_ch(self) -> int:
        return self.convs[-1].out_ch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for c in self.convs:
            x = c(x)
        y = self.act(self.norm(x))
        if self.pruned:
            y = y * self.mask.view(1, -1, 1, 1).to(y.dtype)
        return y

    @torch.no_grad()
    def to_shift(self, mode: str, bias: str = "intercept") -> None:
        """BSN phase 2; negative scales are folded into the last conv's levels."""
        last = self.convs[-1].quant
        flip = self.norm.to_shift(mode, max_act=self.act.max_value, bias=bias)
        if bool(flip.any()):
            last.flip_out_channels(flip)


def make_unit(in_ch: int, out_ch: int, k: int, weights: dict, norm: dict, act: dict,
              stride: int = 1, groups: int = 1) -> ConvUnit:
    conv = QConv2d(in_ch, out_ch, k, stride=stride, groups=groups, weights=weights)
    nrm = Norm(out_ch, positive_scale=not conv.quant.can_flip, **norm)
    return ConvUnit([conv], nrm, make_activation(act))
