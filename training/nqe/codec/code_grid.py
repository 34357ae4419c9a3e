"""The layout of a frame's codes (DESIGN.md contract 4) and the decoder's view of them.

A frame of H x W pixels, padded at the right and bottom to multiples of P (replicating edge
pixels: our choice, and what the C++ edge does), is Hp/P x Wp/P patches in row-major order.
Each patch's code is the encoder's SIGN tensor (C x P/s x P/s, s the encoder's stride) flattened
in CHW order: bits_per_patch = C * (P/s)^2 bits.

The decoder sees the codes re-tiled at 1/s resolution: a C x Hp/s x Wp/s map in which patch
(py, px) fills rows py*P/s.. and columns px*P/s.., each bit mapped to +1 (bit 1) or -1 (bit 0);
a missing patch is 0 there, which the decoder learns to fill from its neighbours. The re-tiling
is done outside the ONNX graph (OpenCV DNN has no DepthToSpace), identically in Python and C++.
"""
import torch
import torch.nn.functional as F


def pad_to_multiple(images: torch.Tensor, multiple: int) -> torch.Tensor:
    """N x C x H x W, padded at the bottom/right by edge replication."""
    h, w = images.shape[-2:]
    ph, pw = -h % multiple, -w % multiple
    if ph == 0 and pw == 0:
        return images
    return F.pad(images.float(), (0, pw, 0, ph), mode="replicate").to(images.dtype)


def to_patches(images: torch.Tensor, patch: int) -> torch.Tensor:
    """N x C x H x W (multiples of patch) -> (N * H/P * W/P) x C x P x P, row-major patches."""
    n, c, h, w = images.shape
    x = images.reshape(n, c, h // patch, patch, w // patch, patch)
    return x.permute(0, 2, 4, 1, 3, 5).reshape(-1, c, patch, patch)


def tile_codes(codes: torch.Tensor, n: int, grid_h: int, grid_w: int) -> torch.Tensor:
    """(n * grid_h * grid_w) x C x q x q per-patch codes -> n x C x grid_h*q x grid_w*q map."""
    _, c, q, _ = codes.shape
    x = codes.reshape(n, grid_h, grid_w, c, q, q)
    return x.permute(0, 3, 1, 4, 2, 5).reshape(n, c, grid_h * q, grid_w * q)


def bits_to_signs(bits: torch.Tensor) -> torch.Tensor:
    """0/1 code bits -> -1/+1 decoder input (gradients pass straight through)."""
    return bits * 2 - 1
