"""A differentiable estimate of what the lossless entropy coder spends on a code map.

The coder (common/codes/entropy/, `nqe-eval rd --entropy_code`) codes each bit with an adaptive
probability from two context models, mixed. This estimate models the first, the local one: the
bit's channel and five already-coded neighbours in the frame's code map (left, above, the
previous channel, above-right unless that lies in the not yet coded patch to the right, the
channel before the previous), each 0, 1 or "unknown/outside" (code_context.cc). Here a learned
probability per context stands in for the adaptive ones, so -log2 p(bit | context) summed over
the map estimates the coded size; the coder, mixing in its second model, spends ~5 % less
(docs/evaluation.md). The estimate is what the training log reports as coded bpp,
and with --rate W its gradient (through the bits' straight-through surrogate; neighbours are
taken as given) lets training trade distortion against coded bits.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

UNKNOWN = 2
CONTEXTS_PER_CHANNEL = 243


def contexts(code_map: torch.Tensor, side: int) -> torch.Tensor:
    """n x C x H x W map of 0/1 bits (patches of side x side positions) -> the coder's context
    index of every bit, channel * 243 + (((left * 3 + above) * 3 + previous) * 3 + above_right)
    * 3 + previous2."""
    m = code_map.detach().round().long()
    n, c, h, w = m.shape
    left = F.pad(m[..., :, :-1], (1, 0), value=UNKNOWN)
    above = F.pad(m[..., :-1, :], (0, 0, 1, 0), value=UNKNOWN)
    previous = F.pad(m[:, :-1], (0, 0, 0, 0, 1, 0), value=UNKNOWN)
    previous2 = F.pad(m[:, :-2], (0, 0, 0, 0, 2, 0), value=UNKNOWN)
    above_right = F.pad(m[..., :-1, 1:], (0, 1, 1, 0), value=UNKNOWN)
    y = torch.arange(h).view(-1, 1)
    x = torch.arange(w).view(1, -1)
    in_right_patch = (y % side != 0) & (x % side == side - 1)  # coded after this bit
    above_right = above_right.masked_fill(in_right_patch, UNKNOWN)
    channel = torch.arange(c).view(1, -1, 1, 1)
    return channel * CONTEXTS_PER_CHANNEL + (
        ((left * 3 + above) * 3 + previous) * 3 + above_right) * 3 + previous2


class ContextRate(nn.Module):
    """Learned P(bit = 1 | context) for a code of `channels` channels."""

    def __init__(self, channels: int):
        super().__init__()
        self.logits = nn.Parameter(torch.zeros(channels * CONTEXTS_PER_CHANNEL))

    def forward(self, code_map: torch.Tensor, side: int) -> torch.Tensor:
        """Estimated coded bits of the whole map (a scalar, differentiable in the bits and in
        the table)."""
        logit = self.logits[contexts(code_map, side)]
        bits = code_map.float()
        # -log2 p(bit): binary cross-entropy with logits, in nats, over ln 2.
        nats = F.binary_cross_entropy_with_logits(logit, bits, reduction="sum")
        return nats / math.log(2)

    def load_grown(self, logits: torch.Tensor) -> int:
        """Starts from another code's learned table: contexts are numbered channel by channel,
        so a code grown by appending channels keeps its old channels' entries as a prefix; the
        new channels' entries stay at p = 1/2. Returns the number of channels taken over."""
        n = min(logits.numel(), self.logits.numel())
        with torch.no_grad():
            self.logits[:n] = logits.flatten()[:n]
        return n // CONTEXTS_PER_CHANNEL


class RateWeight:
    """The weight of the rate term in the loss: fixed (--rate W), or, given a target
    (--rate-target BPP), a Lagrange multiplier that follows the estimate: after every step it is
    multiplied by exp(gain * (estimate - target) / target), so a code spending 10 % too much
    raises it by 0.5 % a step (at gain 0.05) until the estimated coded rate settles at the
    target. The codec's rate moved by ~0.02 bpp per factor e of the weight and took a few hundred
    steps to follow a change, so the loop settles in ~250 steps without overshooting much.
    Steering by hand instead takes a guess and a restart per try."""

    def __init__(self, weight: float, target: float = None, gain: float = 0.05):
        if weight <= 0 or (target is not None and target <= 0):
            raise ValueError("the rate weight and target must be positive")
        self.weight, self.target, self.gain = weight, target, gain

    def update(self, estimate: float) -> None:
        if self.target is not None:
            self.weight *= math.exp(self.gain * (estimate - self.target) / self.target)
