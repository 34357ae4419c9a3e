"""A differentiable estimate of what the lossless entropy coder spends on a code map.

The coder (tools/eval/entropy/, `nqe-eval rd --entropy_code`) codes each bit with an adaptive
probability chosen by its context: its channel and five already-coded neighbours in the frame's
code map (left, above, the previous channel, above-right unless that lies in the not yet coded
patch to the right, the channel before the previous), each 0, 1 or "unknown/outside"
(code_context.cc). Here a learned probability per context stands in for the adaptive ones, so -log2 p(bit | context) summed over
the map estimates the coded size. The estimate is what the training log reports as coded bpp,
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
