"""Composite blocks: MOGNET's MUX residual block and CFLOG unit, a plain residual block (float
teachers only), and the classifier head."""
from __future__ import annotations

import math

import torch
from torch import nn

from .activations import make_activation
from .conv import ConvUnit, QConv2d, make_unit
from .norm import Norm
from .ste import ste


def mux_residual(skip: torch.Tensor, branch: torch.Tensor, bits: int) -> torch.Tensor:
    """MOGNET MRB merge, integer-exact (docs/integer-semantics.md, MuxResidual):
    per sample and channel S = 1{2 sum(I) > H W (2^k - 1)}; out = S ? I1 : BitShift(I + I1).
    BitShift has the paper's pass-through gradient (d/dy = 1); S is a non-differentiable
    control signal (parameter-free channel attention)."""
    h, w = skip.shape[-2:]
    s = (2 * skip.float().sum((2, 3), keepdim=True) > h * w * (2 ** bits - 1)).to(branch.dtype)
    y = skip + branch
    shifted = torch.floor(y / 2) if bits > 1 else torch.floor((y + 1) / 2)
    merged = ste(shifted, y)
    return s * branch + (1 - s) * merged


class _TwoUnitBranch(nn.Module):
    """The branch of a residual block: two units with the input's channel count, plain conv
    units, or CFLOG units when ``cflog`` gives their make_cflog arguments (MOGNET's MRB)."""

    def __init__(self, ch: int, k: int, weights: dict, norm: dict, act: dict,
                 cflog: dict | None = None):
        super().__init__()
        if cflog is None:
            self.unit1 = make_unit(ch, ch, k, weights, norm, act)
            self.unit2 = make_unit(ch, ch, k, weights, norm, act)
        else:
            # Each unit its own CA seed: two equal generated kernels would waste a unit.
            self.unit1 = make_cflog(ch, ch, k=k, norm=norm, act=act, **cflog)
            self.unit2 = make_cflog(ch, ch, k=k, norm=norm, act=act,
                                    **{**cflog, "seed": cflog["seed"] + 1})

    @property
    def out_ch(self) -> int:
        return self.unit2.out_ch

    def branch(self, x: torch.Tensor) -> torch.Tensor:
        return self.unit2(self.unit1(x))


class MuxBlock(_TwoUnitBranch):
    """Two units (plain conv or CFLOG, same channel count as the input) merged with the input
    by the MUX."""

    def __init__(self, ch: int, k: int, weights: dict, norm: dict, act: dict,
                 cflog: dict | None = None):
        if act["kind"] != "qrelu":
            raise ValueError("the MUX residual needs k-bit QReLU activations on both inputs")
        super().__init__(ch, k, weights, norm, act, cflog)
        self.bits = int(act["bits"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return mux_residual(x, self.branch(x), self.bits)


class ResidualBlock(_TwoUnitBranch):
    """x + unit2(unit1(x)), the ResNet add. Only for float distillation teachers: the engine's
    residual is the MUX (an integer add would leave the activation grid), so export refuses it."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.branch(x)


def make_cflog(in_ch: int, out_ch: int, latent: int, groups: int, k: int, pointwise: dict,
               grouped: dict, rule: int, seed: int, norm: dict, act: dict) -> ConvUnit:
    """CFLOG (MOGNET): pointwise in->m (learned, e.g. binary) -> g-grouped k x k m->m (learned,
    e.g. ternary) -> pointwise m->out whose +-1 weights a rule-``rule`` cellular automaton
    generates from ``seed`` (fixed, 72 stored bits). No nonlinearity between the three convs,
    then one norm and activation."""
    convs = [QConv2d(in_ch, latent, 1, weights=pointwise),
             QConv2d(latent, latent, k, groups=groups, weights=grouped),
             QConv2d(latent, out_ch, 1, weights={"kind": "ca", "rule": rule, "seed": seed})]
    nrm = Norm(out_ch, positive_scale=True, **norm)
    return ConvUnit(convs, nrm, make_activation(act))


class Classifier(nn.Module):
    """1x1 conv to the classes, then a global *sum* pool: the engine's int32 logits. A learned
    positive temperature scales them for the loss only (the argmax, hence the exported
    classifier, does not depend on it)."""

    def __init__(self, in_ch: int, classes: int, weights: dict):
        super().__init__()
        self.conv = QConv2d(in_ch, classes, 1, weights=weights)
        # exp(-6) suits levels of magnitude ~1 (ternary); wider level sets (int8 spans +-128)
        # start proportionally cooler, else the first epochs see saturated softmaxes.
        self.log_temp = nn.Parameter(torch.tensor(-6.0 - math.log(self.conv.quant.max_level)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits_int = self.conv(x).float().sum((2, 3))
        return logits_int * torch.exp(self.log_temp)
