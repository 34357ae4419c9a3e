#!/usr/bin/python3
"""What does mixing two context models save the uplink's entropy coder? The probe that designed it.

Coder version 1 (common/codes/entropy/) coded each code bit with one adaptive model chosen by a
context (model A, now the local context: channel, left, above, above-right, the two previous
channels). This probe adds model B (now the aligned context: channel, the same position in the
four previous channels and in the patches above and to the left), mixes the two predictions
lpaq-style (a logistic mixer per channel: p = squash(w . stretch(p_A, p_B) + bias), weights
learned online within each frame), and prints ideal code lengths (sum of -log2 p, no coder
overhead) of A alone, B alone and the mix on the frames of --val. Both models start each frame
from priors counted on --train, as the coder's prior does (entropy_prior.h); the adaptation
matches the coder's (12-bit probabilities, rate 1/16). Float maths: it measured what the
integer version 2 of the coder (logistic_mixer.h) then reached within its flush bytes.

  /usr/bin/python3 tools/entropy_mixing_probe.py --encoder models/encoder-0.4375bpp.nqe

runs build/bin/nqe-encode on every photo (codes cached in --cache) and takes a few minutes.
All --val frames must have the same patch count (photos/val's are 481x321 or 321x481): the
frames are coded side by side, one numpy step per bit position.
"""
import argparse
import glob
import os
import subprocess
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
PATCH = 32


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--encoder", type=Path, required=True, help="encoder .nqe whose codes to code")
    p.add_argument("--train", type=Path, default=REPO.parent / "shared/data/photos/train",
                   help="photos the priors are counted on (default ../shared/data/photos/train)")
    p.add_argument("--val", type=Path, default=REPO.parent / "shared/data/photos/val",
                   help="photos whose codes are measured (default ../shared/data/photos/val)")
    p.add_argument("--train-limit", type=int, default=0, help="use only the first N training photos (0: all)")
    p.add_argument("--mixer-lr", type=float, default=0.02, help="mixer learning rate (default 0.02)")
    p.add_argument("--cache", type=Path, default=REPO / "build/mixing-probe",
                   help="where the photos' codes are kept (default build/mixing-probe)")
    return p.parse_args()


def frame_codes(encoder: Path, photos: Path, cache: Path, limit: int):
    """[(C x H/8 x W/8 code map of 0/1, rows, cols)] of the photos, as PURENET reads them."""
    out = []
    files = sorted(f for f in glob.glob(f"{photos}/*") if f.lower().endswith((".png", ".jpg")))
    for f in files[:limit or None]:
        codes = cache / photos.name / (Path(f).stem + ".codes")
        if not codes.exists():
            codes.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([str(REPO / "build/bin/nqe-encode"), "--model", str(encoder), "--image", f,
                            "--out", str(codes)], check=True, stdout=subprocess.DEVNULL)
        h, w = cv2.imread(f).shape[:2]
        rows, cols = -(-h // PATCH), -(-w // PATCH)
        raw = np.fromfile(codes, np.uint8).reshape(rows * cols, -1)
        out.append((raw, rows, cols, h * w))
    return out


class Contexts:
    def __init__(self, channels: int, side: int):
        self.c, self.q = channels, side
        self.sizes = (channels * 243, channels * 729)

    def of(self, raw, rows, cols):
        """Bits in coding order (patches raster, each patch CHW) and both models' contexts."""
        c, q = self.c, self.q
        bits = np.unpackbits(raw, axis=1, bitorder="little")[:, :c * q * q]
        m = bits.reshape(rows, cols, c, q, q).transpose(2, 0, 3, 1, 4).reshape(c, rows * q, cols * q)
        patch = np.arange(rows * cols)[:, None]
        bit = np.arange(c * q * q)[None, :]
        ch = np.broadcast_to(bit // (q * q), patch.shape[:1] + bit.shape[1:]).ravel()
        y = ((patch // cols) * q + (bit // q) % q).ravel()
        x = ((patch % cols) * q + bit % q).ravel()

        def near(dc, dy, dx, known=True):  # 0/1, or 2 for outside the map or not yet coded
            cc, yy, xx = ch + dc, y + dy, x + dx
            ok = (cc >= 0) & (yy >= 0) & (xx >= 0) & (xx < m.shape[2]) & known
            v = np.full(ch.shape, 2)
            v[ok] = m[cc[ok], yy[ok], xx[ok]]
            return v

        above_right = near(0, -1, 1, (y % q == 0) | (x % q != q - 1))
        a = ch * 243 + (((near(0, 0, -1) * 3 + near(0, -1, 0)) * 3 + near(-1, 0, 0)) * 3
                        + above_right) * 3 + near(-2, 0, 0)
        b = ch * 729 + ((((near(-1, 0, 0) * 3 + near(-2, 0, 0)) * 3 + near(-3, 0, 0)) * 3
                         + near(-4, 0, 0)) * 3 + near(0, -q, 0)) * 3 + near(0, 0, -q)
        return m[ch, y, x], (a, b), ch


def priors(frames, ctx, sizes):
    """12-bit P(bit = 0) per context of each model, counted as entropy_prior.cc does."""
    zeros, total = [np.zeros(n) for n in sizes], [np.zeros(n) for n in sizes]
    for raw, rows, cols, _ in frames:
        bits, contexts, _ = ctx.of(raw, rows, cols)  # once per frame, for both models
        for k in range(len(sizes)):
            np.add.at(zeros[k], contexts[k], bits == 0)
            np.add.at(total[k], contexts[k], 1)
    return [np.clip(np.round((z + 0.5) / (t + 1.0) * 4096), 1, 4095) for z, t in zip(zeros, total)]


def code_lengths(frames, ctx, start, mixer_lr):
    """Bits of model A, model B and their mix over `frames`, coded side by side."""
    coded = [ctx.of(raw, rows, cols) for raw, rows, cols, _ in frames]
    if len({len(bits) for bits, _, _ in coded}) != 1:
        raise SystemExit("every --val photo must have the same number of patches")
    bits = np.stack([b for b, _, _ in coded])
    ctxs = [np.stack([c[k] for _, c, _ in coded]) for k in range(2)]
    chans = np.stack([ch for _, _, ch in coded])
    n = len(frames)
    probs = [np.tile(p, (n, 1)) for p in start]
    weights = np.zeros((n, ctx.c, 3))
    weights[:, :, 0], weights[:, :, 1] = 0.6, 0.4
    row = np.arange(n)
    totals = np.zeros(3)
    for t in range(bits.shape[1]):
        bit, ch = bits[:, t], chans[:, t]
        p0 = [probs[k][row, ctxs[k][:, t]] / 4096 for k in range(2)]
        stretched = [np.log(p / (1 - p)) for p in p0]
        w = weights[row, ch]
        mixed = np.clip(1 / (1 + np.exp(-(w[:, 0] * stretched[0] + w[:, 1] * stretched[1] + w[:, 2]))),
                        1 / 4096, 4095 / 4096)
        for k, p in enumerate(p0 + [mixed]):
            totals[k] -= np.log2(np.where(bit == 1, 1 - p, p)).sum()
        error = (1 - bit) - mixed
        for j, s in enumerate(stretched + [1.0]):
            weights[row, ch, j] += mixer_lr * error * s
        for k in range(2):
            p = probs[k][row, ctxs[k][:, t]]
            probs[k][row, ctxs[k][:, t]] = np.where(bit == 1, p - p // 16, p + (4096 - p) // 16)
    return totals


def main():
    args = parse_args()
    train = frame_codes(args.encoder, args.train, args.cache, args.train_limit)
    val = frame_codes(args.encoder, args.val, args.cache, 0)
    # Every zoo codec codes a 32-pixel patch as C x 4 x 4 bits: 2 bytes per channel.
    channels = train[0][0].shape[1] // 2
    ctx = Contexts(channels, 4)
    print(f"{len(train)} training photos for the priors, {len(val)} val photos; "
          f"{channels} x 4 x 4 code bits per patch", flush=True)
    a, b, mixed = code_lengths(val, ctx, priors(train, ctx, ctx.sizes), args.mixer_lr) / sum(
        f[3] for f in val)
    print(f"model A (the shipped contexts) {a:.4f} bpp, model B {b:.4f} bpp, "
          f"mixed {mixed:.4f} bpp: {100 * (1 - mixed / a):.2f} % below A")


if __name__ == "__main__":
    main()
