"""Exports a trained codec: the integer encoder (.nqe), the decoder (.onnx), and evaluates the
deployed pair (integer reference encoder + decoder) on the validation photos."""
import json
import math
import time
from pathlib import Path

import numpy as np
import torch

from ..model_format import ModelBuilder, load_model
from ..reference import Interpreter
from .code_grid import pad_to_multiple, to_patches
from .photos import image_paths, read_rgb


def add_unit(builder: ModelBuilder, unit, name: str) -> int:
    """Appends one trained conv -> BSN -> activation unit (phase 2) to a ModelBuilder."""
    for j, conv in enumerate(unit.convs):
        spec = conv.quant.export_spec()
        kind = spec.pop("encoding")
        shape = (conv.out_ch, conv.in_ch // conv.groups, conv.k, conv.k)
        geometry = dict(stride=conv.stride, padding=conv.padding, groups=conv.groups,
                        name=f"{name}_conv{j}")
        if kind == "flexor":
            builder.conv_flexor(shape, **spec, **geometry)
        elif kind == "ca":
            builder.conv_ca(shape, **spec, **geometry)
        else:
            builder.conv(conv.quant.hard_levels().numpy().astype(np.int64), encoding=kind,
                         **geometry)
    shifts, biases = unit.norm.integer_params()
    bias_bits = max(2, int(max(abs(b) for b in biases)).bit_length() + 1)
    builder.bsn(shifts, biases=biases, bias_bits=bias_bits, name=f"{name}_bsn")
    return builder.act(unit.act.kind, bits=unit.act.bits, name=f"{name}_act")


def export_encoder(codec, config: dict, path: Path, provenance: dict) -> str:
    enc = codec.encoder
    b = ModelBuilder(path.stem, "encode", (enc.patch, enc.patch), offset=enc.offset,
                     code_layout=(enc.patch, enc.bits_per_patch))
    for i, unit in enumerate(enc.units):
        add_unit(b, unit, f"enc{i}")
    return b.save(path, provenance)


def export_decoder(codec, path: Path) -> None:
    """ONNX with dynamic frame size; opset 11 (Resize nearest) is what OpenCV 4.6 DNN reads."""
    dec = codec.decoder.float().eval()
    example = torch.zeros(1, codec.encoder.code_channels, 8, 12)
    torch.onnx.export(dec, example, str(path), opset_version=11, input_names=["codes"],
                      output_names=["rgb"], dynamic_axes={"codes": {2: "h", 3: "w"},
                                                          "rgb": {2: "H", 3: "W"}})


@torch.no_grad()
def evaluate_integer(encoder_path: Path, codec, val_dir: Path) -> dict:
    """PSNR on every validation photo with the exported integer encoder (Python reference)
    and the float decoder, as the services will run them."""
    from .code_grid import bits_to_signs, tile_codes
    interp = Interpreter(load_model(encoder_path), blas=True)
    p = codec.encoder.patch
    q = p // codec.encoder.stride
    codec.decoder.float().eval()
    scores = []
    for path in image_paths(val_dir):
        im = read_rgb(path)
        x = torch.from_numpy(im).permute(2, 0, 1)[None]
        padded = pad_to_multiple(x, p)
        patches = to_patches(padded, p).permute(0, 2, 3, 1).numpy()
        bits = torch.from_numpy(interp.run(np.ascontiguousarray(patches))).float()
        bits = bits.reshape(-1, codec.encoder.code_channels, q, q)
        grid = (1, padded.shape[2] // p, padded.shape[3] // p)
        out = codec.decoder(tile_codes(bits_to_signs(bits), *grid))
        rec = (out[..., :im.shape[0], :im.shape[1]] * 255).round().clamp(0, 255)
        mse = ((rec - x.float()) ** 2).mean().item()
        scores.append(10 * math.log10(255 ** 2 / max(mse, 1e-10)))
    return {"psnr_db": float(np.mean(scores)), "images": len(scores),
            "bpp": codec.encoder.bits_per_patch / p ** 2}


def chain_logs(prior_log, log: list) -> list:
    """One history from a run's log and the history of the run it started from (--init-from):
    the run's steps are placed after the prior ones."""
    offset = prior_log[-1]["step"] if prior_log else 0
    return list(prior_log) + [{**e, "step": e["step"] + offset} for e in log]


def plot_curve(log: list, path: Path, title: str, prior_log=()) -> None:
    """Training and validation PSNR against steps; prior_log (the runs this one started from
    with --init-from) is drawn first, and a dashed line marks where this run began."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    entries = chain_logs(prior_log, log)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([e["step"] for e in entries], [e["train_psnr"] for e in entries], label="train (crops)")
    val = [e for e in entries if "val_psnr" in e]
    ax.plot([e["step"] for e in val], [e["val_psnr"] for e in val], "o-", label="val (8 photos)")
    if prior_log:
        ax.axvline(prior_log[-1]["step"], color="grey", linestyle="--", label="--init-from (this run)")
    ax.set_xlabel("step")
    ax.set_ylabel("PSNR (dB)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def export_and_evaluate(codec, config: dict, log: list, args, prior_log=()) -> dict:
    started = time.time()
    out = args.out
    name = args.config.replace("codec-", "")
    enc_path, dec_path = out / f"encoder-{name}.nqe", out / f"purenet-{name}.onnx"
    command = "PYTHONPATH=training /usr/bin/python3 -m nqe.codec.train " + " ".join(
        f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items()
        if k in ("config", "init_from", "steps", "batch", "crop", "lr", "bsn_at", "seed", "decorrelate",
                 "rate", "rate_target")
        and v is not None)
    wall = log[-1]["elapsed_s"] if log else 0
    provenance = {"training_command": command, "data": str(args.train_dir),
                  "notes": f"trained {len(log) and log[-1]['step']} steps; wall {wall:.0f} s"}
    export_encoder(codec, config, enc_path, provenance)
    export_decoder(codec, dec_path)
    metrics = evaluate_integer(enc_path, codec, args.val_dir)
    metrics.update(training_wall_s=wall, steps=log[-1]["step"] if log else 0, command=command)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1))
    plot_curve(log, out / f"curve-{name}.png", f"{args.config}: {metrics['psnr_db']:.2f} dB",
               prior_log)
    print(f"exported {enc_path} and {dec_path}; integer encoder on {metrics['images']} val "
          f"photos: {metrics['psnr_db']:.2f} dB at {metrics['bpp']:.3f} bpp "
          f"({time.time() - started:.0f} s)")
    return metrics
