"""Trains a codec (NQE patch encoder + PURENET decoder) on random crops of photos.

  PYTHONPATH=training /usr/bin/python3 -m nqe.codec.train --config codec-0.25bpp \
      --steps 6000 --out runs/codec-0.25bpp

Phase 1 trains everything with BN after each encoder conv; at --bsn-at (a fraction of the
steps) the norms freeze into power-of-two shifts and integer biases (BSN) and training goes on,
so the exported integer encoder computes what the last phase trained. Checkpoints every
--checkpoint-every steps; --resume continues from the last one, also with a larger --steps to
extend a finished run (the cosine schedule is then laid over the new total, a warm restart;
a BSN already frozen stays frozen). --init-from starts a new run from another run's weights:
the same encoder (and its BSN state), possibly with more code channels (zero-weighted in the
decoder at first), and a decoder that may have more residual blocks, which start as identities,
so training begins from the old codec's quality. The end: export (encoder .nqe,
decoder .onnx) and an evaluation of the *integer* encoder on the validation photos.
"""
import argparse
import json
import math
import os
import time
from pathlib import Path

import torch

from ..bf16 import autocast, resolve_bf16
from ..layers.conv import ConvUnit
from . import code_grid
from .code_stats import decorrelation_penalty
from .config import load_config, names
from .export import chain_logs, export_and_evaluate
from .model import Codec
from .photos import CropSampler, image_paths, read_rgb
from .rate import CONTEXTS_PER_CHANNEL, ContextRate, RateWeight

REPO = Path(__file__).resolve().parents[3]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", required=True, help=f"codec configuration: {', '.join(names())}")
    p.add_argument("--steps", type=int, default=6000, help="optimiser steps (default 6000)")
    p.add_argument("--batch", type=int, default=16, help="crops per step (default 16)")
    p.add_argument("--crop", type=int, default=128, help="crop side in pixels, a multiple of the patch size (default 128)")
    p.add_argument("--lr", type=float, default=2e-3, help="peak Adam learning rate (default 2e-3), cosine decay after 3%% warm-up")
    p.add_argument("--bsn-at", type=float, default=0.8, help="fraction of steps after which BN freezes into bit shifts (default 0.8)")
    p.add_argument("--drop-patch", type=float, default=0.03, help="probability a patch's code is zeroed in training, so the decoder learns to fill lost patches (default 0.03)")
    p.add_argument("--train-dir", type=Path, default=REPO.parent / "shared/data/photos/train", help="training photos (default ../shared/data/photos/train)")
    p.add_argument("--decorrelate", type=float, default=None, help="weight of the penalty on the mean squared correlation between the code bits of a patch (code_stats.py; default off)")
    p.add_argument("--rate", type=float, default=None,
                   help="weight of the estimated entropy-coded bits per pixel in the loss (rate.py), "
                        "trading distortion for coded size; default off (the estimate is then only "
                        "logged, as coded~)")
    p.add_argument("--rate-target", type=float, default=None, metavar="BPP",
                   help="adapt the rate weight every step (starting from --rate, default 0.003) so "
                        "the estimated coded bpp of the training crops settles at BPP (rate.py "
                        "RateWeight); the weight is logged and kept in checkpoints")
    p.add_argument("--val-dir", type=Path, default=REPO.parent / "shared/data/photos/val", help="validation photos (default ../shared/data/photos/val)")
    p.add_argument("--val-every", type=int, default=500, help="steps between validation PSNR checks (default 500)")
    p.add_argument("--val-images", type=int, default=8, help="validation images used during training (default 8; the final evaluation uses all)")
    p.add_argument("--log-every", type=int, default=50, help="steps between progress lines (default 50)")
    p.add_argument("--checkpoint-every", type=int, default=100, help="steps between checkpoints (default 100)")
    p.add_argument("--out", type=Path, required=True, help="run folder: checkpoint, log, curve, exported models")
    p.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    p.add_argument("--init-from", type=Path, help="start from this codec checkpoint's weights (the same encoder layers, as many or more code channels; a decoder with as many or more residual blocks and the same or wider stages; new parts start out changing nothing); fresh optimiser and schedule, step 0")
    p.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    p.add_argument("--bf16", choices=("auto", "on", "off"), default="auto",
                   help="bf16 autocast: auto (default) turns it on only where the CPU has native bf16 (nqe/bf16.py), where it trains ~3.4x faster than fp32; emulated it is ~25x slower")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-export", action="store_true", help="skip export and final evaluation")
    return p.parse_args(argv)


def units(codec):
    return [m for m in codec.encoder.modules() if isinstance(m, ConvUnit)]


def freeze_bsn(codec) -> None:
    for unit in units(codec):
        unit.to_shift("channel")
    for m in codec.encoder.modules():
        if hasattr(m, "set_hard"):
            m.set_hard(True)


def init_from(codec, path: Path, sampler: CropSampler = None, rate_model: ContextRate = None):
    """Loads another run's weights into `codec` (Codec.load_grown). If the code grows, 32 crops
    from `sampler` set the new channels' biases (drawn only then, so the crops a run trains on
    do not change for recipes that do not grow the code). `rate_model` starts from the saved
    rate table, so a rate target does not chase a fresh table's overestimate for the first few
    hundred steps (with a fresh table the estimate read 0.41 bpp where it had settled at 0.26,
    and the weight rose 13x in 100 steps). Returns whether its BSN is frozen and
    the training history behind those weights (its log, steps counted from the first run),
    which the curve draws before this run."""
    state = torch.load(path)
    grows = codec.encoder.code_channels != state["config"]["encoder"][-1]["out"]
    crops = sampler.batch(32) if grows and sampler is not None else None
    frozen = state.get("bsn_frozen", False)
    if frozen:  # the saved shifts and biases overwrite what freeze_bsn computes
        freeze_bsn(codec)
    new_parts = codec.load_grown(state["model"], state["config"], crops)
    saved_rate = state.get("rate_model", {}).get("logits")
    saved_channels = state["config"]["encoder"][-1]["out"]
    rate_channels = 0  # tables from before the contexts changed have another size: start afresh
    if rate_model is not None and saved_rate is not None and saved_rate.numel() == saved_channels * CONTEXTS_PER_CHANNEL:
        rate_channels = rate_model.load_grown(saved_rate)
    print(f"initialised from {path} (step {state['step']}, BSN {'frozen' if frozen else 'not frozen'}); "
          f"new parts: {', '.join(new_parts) or 'none'}; rate table: {rate_channels} channels taken over")
    return frozen, chain_logs(state.get("prior_log", []), state["log"])


def learning_rate(step: int, total: int, peak: float) -> float:
    warm = max(1, int(0.03 * total))
    if step < warm:
        return peak * (step + 1) / warm
    return peak * 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    """RGB 8-bit PSNR of two uint8-valued tensors."""
    mse = ((a.float() - b.float()) ** 2).mean().item()
    return 10 * math.log10(255 ** 2 / max(mse, 1e-10))


@torch.no_grad()
def validate(codec, images, bf16: bool, rate_model: ContextRate) -> tuple:
    """Mean PSNR (dB) on `images` and the estimated entropy-coded size in bits per image pixel
    (padding included, as nqe-eval rd --entropy_code counts it)."""
    codec.eval()
    scores, bits, pixels = [], 0.0, 0
    for im in images:
        x = torch.from_numpy(im).permute(2, 0, 1)[None]
        padded = code_grid.pad_to_multiple(x, codec.encoder.patch)
        with autocast(bf16):
            code, grid = codec.encode(padded)
            out = codec.decode(code, grid).float()
        rec = (out[..., :x.shape[2], :x.shape[3]] * 255).round().clamp(0, 255)
        scores.append(psnr(rec, x))
        bits += float(rate_model(code_grid.tile_codes(code.float(), *grid), code.shape[-1]))
        pixels += x.shape[2] * x.shape[3]
    codec.train()
    return sum(scores) / len(scores), bits / pixels


def save_checkpoint(path: Path, state: dict) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def train(args) -> dict:
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    config = load_config(args.config)
    if args.crop % config["patch_size"]:
        raise SystemExit(f"--crop {args.crop} is not a multiple of the patch size {config['patch_size']}")
    bf16 = resolve_bf16(args.bf16)
    # channels_last is what bf16 autocast runs fastest in; in fp32 (AVX2) contiguous tensors
    # measured 13 % faster per step (2.48 s against 2.86 s, codec-0.25bpp-deep).
    layout = torch.channels_last if bf16 else torch.contiguous_format
    codec = Codec(config).to(memory_format=layout)
    opt = torch.optim.Adam(codec.parameters(), lr=args.lr)
    # The rate estimate's probability table follows the code with its own constant-rate Adam,
    # fast enough to track it whatever the codec's schedule.
    rate_model = ContextRate(codec.encoder.code_channels)
    rate_opt = torch.optim.Adam(rate_model.parameters(), lr=1e-2)
    rate_on = bool(args.rate) or args.rate_target is not None
    rate_weight = RateWeight(args.rate or (0.003 if args.rate_target else 1.0), args.rate_target)
    sampler = CropSampler(args.train_dir, args.crop, args.seed)
    val_images = [read_rgb(p) for p in image_paths(args.val_dir)[: args.val_images]]
    log, step, bsn_step, frozen = [], 0, int(args.bsn_at * args.steps), False
    prior_log = []
    ckpt = args.out / "checkpoint.pt"
    if args.resume and ckpt.exists():  # a resumed run keeps its own weights over --init-from
        state = torch.load(ckpt)
        frozen = state.get("bsn_frozen", state["step"] > bsn_step)
        if frozen:  # the saved shifts and biases overwrite what freeze_bsn computes
            freeze_bsn(codec)
        codec.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        # Checkpoints from before the rate estimate, or from before its contexts changed, start
        # it afresh (it follows the code within a few hundred steps).
        saved = state.get("rate_model", {}).get("logits")
        if saved is not None and saved.shape == rate_model.logits.shape:
            rate_model.load_state_dict(state["rate_model"])
            rate_opt.load_state_dict(state["rate_optimizer"])
        if args.rate_target and "rate_weight" in state:  # the adapted weight, not --rate again
            rate_weight.weight = state["rate_weight"]
        step, log = state["step"], state["log"]
        prior_log = state.get("prior_log", [])
        sampler.generator.set_state(state["sampler"])
        print(f"resumed at step {step}")
    elif args.init_from:
        frozen, prior_log = init_from(codec, args.init_from, sampler, rate_model)
    print(f"codec {args.config}: {codec.encoder.bits_per_patch} bits per {config['patch_size']}^2 "
          f"patch = {codec.encoder.bits_per_patch / config['patch_size'] ** 2:.3f} bpp; "
          f"{len(sampler.images)} training photos; {args.steps} steps of {args.batch} crops")
    print(f"bf16 autocast {'on' if bf16 else 'off'} (--bf16 {args.bf16})")
    started, first_step, window, coded_window = time.time(), step, [], []
    while step < args.steps:
        if step >= bsn_step and not frozen:
            freeze_bsn(codec)
            frozen = True
            print(f"step {step}: BN frozen into bit shifts (BSN phase 2)")
        if step % 200 == 0:
            for m in codec.encoder.modules():
                if hasattr(m, "update_step"):
                    m.update_step()
        for group in opt.param_groups:
            group["lr"] = learning_rate(step, args.steps, args.lr)
        crops = sampler.batch(args.batch)
        grid_patches = (args.crop // config["patch_size"]) ** 2 * args.batch
        mask = (torch.rand(grid_patches) >= args.drop_patch).float()
        with autocast(bf16):
            bits, grid = codec.encode(crops.contiguous(memory_format=layout))
            out = codec.decode(bits, grid, mask)
        mse = ((out.float() - crops.float() / 255) ** 2).mean()
        loss = mse + args.decorrelate * decorrelation_penalty(bits) if args.decorrelate else mse
        # Without a rate term the estimate trains only its table (the code map is detached).
        code_map = code_grid.tile_codes(bits.float(), *grid)
        coded_bpp = rate_model(code_map if rate_on else code_map.detach(),
                               bits.shape[-1]) / crops[:, 0].numel()
        loss = loss + rate_weight.weight * coded_bpp
        opt.zero_grad(set_to_none=True)
        rate_opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        rate_opt.step()
        coded = coded_bpp.item()
        rate_weight.update(coded)
        step += 1
        window.append(mse.item())  # the PSNR figures, without the penalties
        coded_window.append(coded)
        if step % args.log_every == 0 or step == args.steps:
            elapsed = time.time() - started
            train_psnr = 10 * math.log10(1 / max(sum(window) / len(window), 1e-10))
            entry = {"step": step, "loss": sum(window) / len(window), "train_psnr": train_psnr,
                     "code_corr2": decorrelation_penalty(bits.detach()).item(),
                     "coded_bpp": sum(coded_window) / len(coded_window),
                     "lr": opt.param_groups[0]["lr"], "elapsed_s": round(elapsed, 1)}
            if rate_on:
                entry["rate_weight"] = rate_weight.weight
            if step % args.val_every == 0 or step == args.steps:
                entry["val_psnr"], entry["val_coded_bpp"] = validate(codec, val_images, bf16,
                                                                     rate_model)
            log.append(entry)
            window, coded_window = [], []
            eta = (args.steps - step) * elapsed / (step - first_step)
            print(f"step {step}/{args.steps} loss {entry['loss']:.5f} train {train_psnr:.2f} dB"
                  f" corr2 {entry['code_corr2']:.4f} coded~{entry['coded_bpp']:.3f} bpp"
                  + (f" val {entry['val_psnr']:.2f} dB coded~{entry['val_coded_bpp']:.3f} bpp"
                     if "val_psnr" in entry else "")
                  + (f" rate-weight {rate_weight.weight:.2e}" if rate_on else "")
                  + f" lr {entry['lr']:.2e} ETA {eta / 60:.1f} min", flush=True)
        if step % args.checkpoint_every == 0 or step == args.steps:
            save_checkpoint(ckpt, {"step": step, "model": codec.state_dict(),
                                   "optimizer": opt.state_dict(), "log": log, "prior_log": prior_log,
                                   "rate_model": rate_model.state_dict(),
                                   "rate_optimizer": rate_opt.state_dict(),
                                   "rate_weight": rate_weight.weight,
                                   "sampler": sampler.generator.get_state(), "bsn_frozen": frozen,
                                   "config": config, "args": vars(args)})
    (args.out / "log.json").write_text(json.dumps(log, indent=1, default=str))
    return {"codec": codec, "config": config, "log": log, "prior_log": prior_log}


def main(argv=None):
    args = parse_args(argv)
    result = train(args)
    if not args.no_export:
        export_and_evaluate(result["codec"], result["config"], result["log"], args,
                            result["prior_log"])


if __name__ == "__main__":
    main()
