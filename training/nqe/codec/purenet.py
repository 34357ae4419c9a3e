"""PURENET: the float, fully convolutional decoder over a frame's whole code map.

Seeing every patch's code at once is what removes block artefacts: its 3x3 convolutions mix
neighbouring patches before anything is upsampled. Built only from ops Debian's OpenCV 4.6 DNN
runs at any frame size (Conv, Relu, Resize nearest, Add): upsampling is nearest + conv, which
trained ~5x faster here than ConvTranspose (DESIGN.md) and avoids DepthToSpace.
"""
from typing import NamedTuple

import torch
from torch import nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        return x + self.conv2(self.relu(self.conv1(x)))

    def make_identity(self) -> None:
        """A zero last conv makes the block the identity: how a grown decoder starts out."""
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)


class _ChannelMap(NamedTuple):
    """Channel j of a wider layer copies channel source[j] of the narrower one; a layer reading
    it takes share[j] of what the narrower layer read from source[j] (shares of copies sum to 1)."""
    source: torch.Tensor
    share: torch.Tensor
    grows: bool


def _channel_map(old: int, new: int, gen: torch.Generator) -> _ChannelMap:
    if new < old:
        raise ValueError(f"cannot narrow a decoder layer from {old} to {new} channels")
    source = torch.cat([torch.arange(old), torch.randint(old, (new - old,), generator=gen)])
    weight = torch.rand(new, generator=gen) + 0.5
    share = weight / torch.zeros(old).index_add_(0, source, weight)[source]
    return _ChannelMap(source, share, new > old)


def _widen_conv(part: dict, prefix: str, reads, writes, gen: torch.Generator) -> dict:
    """A conv's weight and bias for wider inputs (`reads`) and outputs (`writes`); None: as is.
    Copies of an input channel carry equal values, so the layer's output depends only on the
    sum of the weights reading them: each copy gets its share plus noise that sums to zero over
    the copies. The noise matters: with shares alone every copy's incoming gradient would be
    proportional to the others', and Adam, blind to scale, would move the copies in step."""
    weight, bias = part[prefix + "weight"].float(), part[prefix + "bias"]
    if writes is not None:
        weight, bias = weight[writes.source], bias[writes.source]
    if reads is not None:
        spread = weight.std() * torch.randn(weight.shape[0], len(reads.source), *weight.shape[2:],
                                            generator=gen)
        group_mean = torch.zeros_like(weight).index_add_(1, reads.source, spread)[:, reads.source]
        copies = torch.zeros(weight.shape[1]).index_add_(0, reads.source,
                                                         torch.ones(len(reads.source)))
        spread -= group_mean / copies[reads.source].view(1, -1, 1, 1)
        weight = weight[:, reads.source] * reads.share.view(1, -1, 1, 1) + spread
    return {prefix + "weight": weight.to(part[prefix + "weight"].dtype), prefix + "bias": bias}


class PureNet(nn.Module):
    """code_channels x h x w code map (+-1, 0 = missing) -> 3 x (h*2^len(widths)) x ... RGB in
    [0, 1] (not clamped: the caller rounds and clamps to 8 bits).

    stem_blocks residual blocks work at the code grid's resolution; up_blocks[i] residual blocks
    follow the i-th upsampling (default one after each but the last, at full resolution, where
    a block costs the most). identity_init starts every residual block as the identity (its last
    conv zero), which keeps deeper decoders from collapsing to the mean image early in training."""

    def __init__(self, code_channels: int, widths=(128, 96, 64), stem_blocks: int = 3,
                 final_width: int = 32, up_blocks=None, identity_init: bool = False):
        super().__init__()
        if up_blocks is None:
            up_blocks = [1] * (len(widths) - 1) + [0]
        if len(up_blocks) != len(widths):
            raise ValueError(f"up_blocks {list(up_blocks)} needs one count per width {list(widths)}")
        # part_names[i] names body[i] by its role (stem.block1, up0.conv, ...), so the weights of
        # a decoder carry over to a deeper one whose flat indices differ (load_grown).
        layers = [nn.Conv2d(code_channels, widths[0], 3, padding=1), nn.ReLU(inplace=True)]
        self.part_names = ["stem.conv", None]
        for j in range(stem_blocks):
            layers.append(ResidualBlock(widths[0]))
            self.part_names.append(f"stem.block{j}")
        for i, (c_in, c_out) in enumerate(zip(widths, list(widths[1:]) + [final_width])):
            layers += [nn.Upsample(scale_factor=2, mode="nearest"),
                       nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(inplace=True)]
            self.part_names += [None, f"up{i}.conv", None]
            for j in range(up_blocks[i]):
                layers.append(ResidualBlock(c_out))
                self.part_names.append(f"up{i}.block{j}")
        layers.append(nn.Conv2d(final_width, 3, 3, padding=1))
        self.part_names.append("head")
        self.body = nn.Sequential(*layers)
        if identity_init:
            for m in self.body:
                if isinstance(m, ResidualBlock):
                    m.make_identity()
        self.upscale = 2 ** len(widths)

    def forward(self, code_map):
        return self.body(code_map) + 0.5

    def load_grown(self, state: dict, smaller: "PureNet") -> list:
        """Loads the weights of `smaller` (its state_dict in `state`), a decoder with fewer or
        as many residual blocks and narrower or equal widths, part by part, so that the grown
        decoder starts out computing exactly what `smaller` did: the blocks it lacks become
        identities, and a wider stage starts as in Net2WiderNet (Chen et al., 2016): each new
        channel copies a random old one, and every layer reading a copied channel splits that
        channel's weights between the copies (_widen_conv). The random choices come from
        torch's global generator (--seed). Returns the names of the new parts and of the
        widened ones."""
        gen = torch.Generator().manual_seed(int(torch.randint(1 << 31, ())))
        index_of = {name: i for i, name in enumerate(smaller.part_names) if name}
        dropped = [name for name in index_of if name not in self.part_names]
        if dropped:
            raise ValueError(f"decoder parts {', '.join(dropped)} have no place in the grown one")
        new_parts, widened = [], []
        reads = None  # how the channels the next part reads map onto smaller's
        for i, name in enumerate(self.part_names):
            if name is None:
                continue
            module = self.body[i]
            if name not in index_of:
                if not isinstance(module, ResidualBlock):
                    raise ValueError(f"decoder part {name} has no counterpart to grow from")
                module.make_identity()
                new_parts.append(name)
                continue
            prefix = f"body.{index_of[name]}."
            part = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
            if isinstance(module, ResidualBlock):
                inner = _channel_map(part["conv1.weight"].shape[0], module.conv1.out_channels, gen)
                maps = (reads, inner)
                part = {**_widen_conv(part, "conv1.", reads, inner, gen),
                        **_widen_conv(part, "conv2.", inner, reads, gen)}
            else:
                if name == "stem.conv":
                    part["weight"] = self._pad_code_inputs(part["weight"])
                writes = None if name == "head" else _channel_map(
                    part["weight"].shape[0], module.out_channels, gen)
                maps = (reads, writes)
                part = _widen_conv(part, "", reads, writes, gen)
                reads = writes
            if any(m is not None and m.grows for m in maps):
                widened.append(name)
            module.load_state_dict(part)  # strict: any other difference is an error
        return new_parts + [f"{name} (wider)" for name in widened]

    def _pad_code_inputs(self, weight: torch.Tensor) -> torch.Tensor:
        """The first conv's weights for a code with more channels: zeros for the new ones, so
        they change nothing until training gives them weight."""
        added = self.body[0].weight.shape[1] - weight.shape[1]
        if added <= 0:
            return weight
        return torch.cat([weight, weight.new_zeros(weight.shape[0], added, *weight.shape[2:])], 1)
