"""The codec: the NQE patch encoder (integer, quantisation-aware) and the PURENET decoder.

The encoder is a chain of the same conv -> norm -> activation units the classifier uses, ending
in a SIGN unit whose C x q x q output is the patch's code. It sees one P x P patch at a time, as
the edge does, so training and deployment agree on what a code can depend on.
"""
import torch
from torch import nn

from ..layers.conv import make_unit
from . import code_grid
from .purenet import PureNet


def make_decoder(code_channels: int, d: dict) -> PureNet:
    """The PURENET a configuration's "decoder" entry describes."""
    return PureNet(code_channels, tuple(d["widths"]), d["stem_blocks"], d["final_width"],
                   d.get("up_blocks"), d.get("identity_init", False))


class PatchEncoder(nn.Module):
    """P x P RGB patches (pixel - offset, integer units) -> code bits C x P/s x P/s."""

    def __init__(self, config: dict):
        super().__init__()
        self.patch = config["patch_size"]
        self.offset = config.get("offset", 128)
        units, in_ch = [], 3
        for spec in config["encoder"]:
            units.append(make_unit(in_ch, spec["out"], spec.get("k", 3), spec["weights"],
                                   config["norm"], spec["act"], stride=spec.get("stride", 1)))
            in_ch = spec["out"]
        self.units = nn.Sequential(*units)
        self.code_channels = in_ch
        self.stride = 1
        for spec in config["encoder"]:
            self.stride *= spec.get("stride", 1)

    @property
    def bits_per_patch(self) -> int:
        return self.code_channels * (self.patch // self.stride) ** 2

    def forward(self, patches_u8: torch.Tensor) -> torch.Tensor:
        return self.units(patches_u8.float() - self.offset)


class Codec(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        self.encoder = PatchEncoder(config)
        self.decoder = make_decoder(self.encoder.code_channels, config["decoder"])
        if self.decoder.upscale != self.encoder.stride:
            raise ValueError(f"decoder upsamples x{self.decoder.upscale}, "
                             f"encoder strides x{self.encoder.stride}")

    def encode(self, images_u8: torch.Tensor):
        """N x 3 x H x W uint8 (multiples of P) -> per-patch code bits and the grid size."""
        n, _, h, w = images_u8.shape
        p = self.encoder.patch
        bits = self.encoder(code_grid.to_patches(images_u8, p))
        return bits, (n, h // p, w // p)

    def decode(self, bits: torch.Tensor, grid, patch_mask: torch.Tensor = None) -> torch.Tensor:
        """patch_mask (n*gh*gw,) of 0/1 marks received patches; a missing one decodes from 0s."""
        signs = code_grid.bits_to_signs(bits)
        if patch_mask is not None:
            signs = signs * patch_mask.view(-1, 1, 1, 1).to(signs.dtype)
        return self.decoder(code_grid.tile_codes(signs, *grid))

    def forward(self, images_u8: torch.Tensor, patch_mask: torch.Tensor = None) -> torch.Tensor:
        bits, grid = self.encode(images_u8)
        return self.decode(bits, grid, patch_mask)

    def load_grown(self, state: dict, config: dict, crops: torch.Tensor = None) -> list:
        """Starts from a trained codec of `config` (its state_dict in `state`): the same encoder
        layers, possibly with more code channels, and a decoder with fewer residual blocks or
        narrower stages (PureNet.load_grown). New code channels get filters drawn like the old ones and zero
        weights in the decoder's first conv, so the grown codec starts out decoding exactly what
        the old one did; with a frozen BSN their biases are set from `crops` so each new bit is
        1 for about half the patches (a constant bit carries nothing and gets no gradient).
        Returns the new parts."""
        old_channels = config["encoder"][-1]["out"]
        added = self.encoder.code_channels - old_channels
        if added < 0:
            raise ValueError(f"cannot shrink the code from {old_channels} to "
                             f"{self.encoder.code_channels} channels")
        smaller = make_decoder(old_channels, config["decoder"])
        enc = {k[len("encoder."):]: v for k, v in state.items() if k.startswith("encoder.")}
        if added:
            enc = self._widen_code(enc, old_channels)
        self.encoder.load_state_dict(enc)
        dec = {k[len("decoder."):]: v for k, v in state.items() if k.startswith("decoder.")}
        new_parts = self.decoder.load_grown(dec, smaller)
        if added:
            if int(self.encoder.units[-1].norm.phase) == 2:
                if crops is None:
                    raise ValueError("new code channels under a frozen BSN need crops to set their biases")
                self._balance_code_channels(old_channels, crops)
            new_parts.append(f"code channels {old_channels}-{self.encoder.code_channels - 1}")
        return new_parts

    def _widen_code(self, enc: dict, old_channels: int) -> dict:
        """The old encoder's state with the last unit's per-channel tensors extended: this
        module's own initial values for the new channels, except the weight proxies (old
        filters with random signs per tap, so the histogram-equalised step and the level
        histogram stay as trained) and the shifts (the old channels' median)."""
        prefix = f"units.{len(self.encoder.units) - 1}."
        own = self.encoder.state_dict()
        out = dict(enc)
        for key, old in enc.items():
            if not key.startswith(prefix) or old.dim() == 0 or old.shape[0] != old_channels:
                continue
            fresh = own[key][old_channels:].clone()
            if key.endswith("quant.weight"):
                rows = torch.randint(old_channels, (len(fresh),))
                fresh = old[rows] * (torch.randint(0, 2, old[rows].shape) * 2 - 1)
            elif key.endswith("norm.shift"):
                fresh.fill_(int(old.median()))
            out[key] = torch.cat([old, fresh.to(old.dtype)])
        return out

    @torch.no_grad()
    def _balance_code_channels(self, first: int, crops: torch.Tensor) -> None:
        """Sets the integer biases of code channels first.. so that their bit is 1 on about
        half of the patches of `crops` (Sign: bit = 1 iff (acc + B) / 2^s rounds above 0)."""
        last = self.encoder.units[-1]
        x = self.encoder.units[:-1](code_grid.to_patches(crops, self.encoder.patch).float()
                                     - self.encoder.offset)
        for conv in last.convs:
            x = conv(x)
        acc = x[:, first:].transpose(0, 1).flatten(1)
        half = torch.pow(2.0, last.norm.shift[first:].float() - 1)
        last.norm.int_bias[first:] = torch.round(half - acc.median(dim=1).values)
