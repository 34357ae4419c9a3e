"""Tensor-side augmentation and batching (no per-image Python work, no DataLoader workers:
on 2 cores the workers would only steal time from the training threads)."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def random_crop_flip(x: torch.Tensor, pad: int = 4, generator: torch.Generator | None = None) -> torch.Tensor:
    """Random ``pad``-pixel zero-padded crop and horizontal flip of a uint8 N x C x H x W batch.

    Padding is with 0 (black), the usual CIFAR recipe."""
    n, _, h, w = x.shape
    xp = F.pad(x, (pad, pad, pad, pad))
    dy = torch.randint(0, 2 * pad + 1, (n,), generator=generator)
    dx = torch.randint(0, 2 * pad + 1, (n,), generator=generator)
    # Gather with per-sample offsets: build index grids instead of a Python loop.
    rows = (dy[:, None] + torch.arange(h)[None, :])            # n x h
    cols = (dx[:, None] + torch.arange(w)[None, :])            # n x w
    flip = torch.rand(n, generator=generator) < 0.5
    cols = torch.where(flip[:, None], cols.flip(1), cols)
    idx_n = torch.arange(n)[:, None, None]
    out = xp.permute(0, 2, 3, 1)[idx_n, rows[:, :, None], cols[:, None, :]]  # n x h x w x c
    return out.permute(0, 3, 1, 2).contiguous()


def cutout(x: torch.Tensor, size: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Cutout (DeVries & Taylor 2017): one ``size`` x ``size`` square per image set to 0, its
    centre uniform over the image, so squares near the border are clipped."""
    n, _, h, w = x.shape
    cy = torch.randint(0, h, (n,), generator=generator)
    cx = torch.randint(0, w, (n,), generator=generator)
    y0, x0 = (cy - size // 2)[:, None], (cx - size // 2)[:, None]
    ys, xs = torch.arange(h)[None, :], torch.arange(w)[None, :]
    in_y = (ys >= y0) & (ys < y0 + size)  # n x h
    in_x = (xs >= x0) & (xs < x0 + size)  # n x w
    keep = ~(in_y[:, :, None] & in_x[:, None, :])
    return x * keep[:, None].to(x.dtype)


def iterate_batches(x: torch.Tensor, y: torch.Tensor, batch_size: int, shuffle: bool,
                    augment: bool, generator: torch.Generator | None = None, drop_last: bool = False,
                    cutout_size: int = 0):
    """Yield (uint8 images, labels) batches; ``augment`` crops and flips, then cuts out a
    ``cutout_size`` square if it is > 0."""
    n = len(y)
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    stop = n - (n % batch_size) if drop_last else n
    for i in range(0, stop, batch_size):
        idx = order[i:i + batch_size]
        xb = x[idx]
        if augment:
            xb = random_crop_flip(xb, generator=generator)
            if cutout_size > 0:
                xb = cutout(xb, cutout_size, generator)
        yield xb, y[idx]
