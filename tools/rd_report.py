#!/usr/bin/python3
"""Rate-distortion report: our codec at each trained bitrate against JPEG, WebP, JPEG 2000 and
AVIF over a range of bitrates, on a folder of images (issue 6, item 5).

Runs `nqe-eval rd` for
  * every pair models/encoder-<x>bpp.nqe + models/purenet-<x>bpp.onnx (a pair missing its
    decoder is skipped with a message), plus any --pair LABEL=ENCODER,DECODER, each with the
    raw codes and with the lossless entropy coder ("+ac", --entropy_code, plus --entropy_prior
    models/encoder-X.prior where the encoder has one);
  * every baseline codec at every --bpps target;
then writes <out>/rd.json (means per run, unreachable counts, best efforts), the raw output of
each run in <out>/runs/, and <out>/rd-psnr.png, <out>/rd-msssim.png.

Baseline means are over the images that fit the target; images that cannot get that small are
counted ("unreachable") and drawn with hollow markers, never silently dropped. Two comparisons
on the same images come with each baseline run: 'all_images' (every image, unreachable ones at
their smallest file; the plots) and 'same_images' (ours and the baseline over only the images
the baseline fits).

    /usr/bin/python3 tools/rd_report.py --images ../shared/data/photos/val --out docs/rd
"""
import argparse
import json
import math
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CODECS = ["jpeg", "webp", "jp2", "avif"]
CODEC_LABELS = {"jpeg": "JPEG (libjpeg-turbo)", "webp": "WebP", "jp2": "JPEG 2000 (OpenJPEG)",
                "avif": "AVIF (libavif s6 4:4:4)"}
PAIR = re.compile(r"encoder-(?P<bpp>[0-9.]+)bpp\.nqe$")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--images", type=Path, default=REPO.parent / "shared" / "data" / "photos" / "val",
                   help="folder of images (default ../shared/data/photos/val)")
    p.add_argument("--models", type=Path, default=REPO / "models",
                   help="folder with encoder-<x>bpp.nqe + purenet-<x>bpp.onnx pairs")
    p.add_argument("--pair", action="append", default=[], metavar="LABEL=ENCODER,DECODER",
                   help="an extra encoder/decoder pair to evaluate (repeatable)")
    p.add_argument("--bpps", default="0.1,0.2,0.25,0.3,0.4,0.6",
                   help="comma-separated baseline targets in bits per pixel")
    p.add_argument("--codecs", default=",".join(CODECS), help="baselines to run")
    p.add_argument("--nqe-eval", type=Path, default=REPO / "build" / "bin" / "nqe-eval")
    p.add_argument("--out", type=Path, default=REPO / "docs" / "rd")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--limit", type=int, default=0, help="only the first N images (0 = all)")
    p.add_argument("--reuse", action="store_true",
                   help="reuse runs already saved in <out>/runs/ instead of running them again")
    return p.parse_args(argv)


def parse_summary(line: str) -> dict:
    """'bpp=0.24 psnr=23.0 ... unreachable=5' -> {'bpp': 0.24, ...}."""
    values = dict(field.split("=", 1) for field in line.split())
    return {k: (int(v) if k in ("unreachable", "images") else float(v)) for k, v in values.items()}


def run_nqe_eval(args, name: str, flags: list) -> dict:
    """Runs (or reuses) one `nqe-eval rd` and returns its summary, best effort and rows."""
    saved = args.out / "runs" / f"{name}.txt"
    if not (args.reuse and saved.is_file()):
        cmd = [str(args.nqe_eval), "rd", "--images", str(args.images),
               "--threads", str(args.threads), "--limit", str(args.limit)] + flags
        started = time.time()
        print(f"rd_report: {name}: {' '.join(cmd)}", file=sys.stderr, flush=True)
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            sys.exit(f"rd_report: {name} failed:\n{done.stderr}")
        saved.write_text(done.stdout)
        print(f"rd_report: {name}: {done.stdout.splitlines()[-1]} ({time.time() - started:.0f} s)",
              file=sys.stderr, flush=True)
    lines = saved.read_text().splitlines()
    result = parse_summary(lines[-1])
    for line in lines:
        if line.startswith("best_effort "):
            result["best_effort"] = parse_summary(line[len("best_effort "):])
    rows = [dict(zip(lines[0].split(","), line.split(","))) for line in lines[1:] if "," in line]
    result["images"] = len(rows)
    result["_rows"] = rows  # for same_images(); not written to rd.json
    # Means over every image, unreachable ones at their smallest file: what the plots show, so
    # that a codec's curve never improves by dropping its hardest images.
    result["all_images"] = {k: sum(float(r[k]) for r in rows) / len(rows)
                            for k in ("bpp", "psnr", "msssim", "blockiness")}
    return result


def same_images(baseline: dict, ours: list) -> dict:
    """Mean bpp and PSNR of a baseline run and of each of our runs over the images the baseline
    fits within its target: "ours against C at the same bpp" on the same images, where the
    summary means would set ours over every image against C over only those it fits."""
    fit = {r["name"] for r in baseline["_rows"] if r.get("within_budget") == "1"}
    result = {"images": len(fit)}
    if not fit:
        return result
    for label, rows in [("baseline", baseline["_rows"])] + [(o["label"], o["_rows"]) for o in ours]:
        kept = [r for r in rows if r["name"] in fit]
        result[label] = {k: sum(float(r[k]) for r in kept) / len(kept) for k in ("bpp", "psnr")}
    return result


def shown(path: Path) -> str:
    """A path as the report records it: relative to the repository when inside it, so that
    rd.json reads the same on every checkout."""
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def without_nan(value):
    """JSON has no NaN (a run where no image fits has no means): write null instead."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: without_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nan(v) for v in value]
    return value


def our_pairs(args) -> list:
    pairs = []
    for encoder in sorted(args.models.glob("encoder-*bpp.nqe")):
        rate = PAIR.search(encoder.name).group("bpp")
        decoder = args.models / f"purenet-{rate}bpp.onnx"
        if not decoder.is_file():
            print(f"rd_report: skipping {encoder.name}: no {decoder.name}", file=sys.stderr)
            continue
        pairs.append((f"nqe-{rate}bpp", encoder, decoder))
    for spec in args.pair:
        label, _, files = spec.partition("=")
        encoder, _, decoder = files.partition(",")
        if not (label and Path(encoder).is_file() and Path(decoder).is_file()):
            sys.exit(f"rd_report: --pair {spec}: want LABEL=ENCODER,DECODER of existing files")
        pairs.append((label, Path(encoder), Path(decoder)))
    if not pairs:
        print(f"rd_report: no encoder/decoder pair in {args.models}; baselines only",
              file=sys.stderr)
    return pairs


def plot(report: dict, metric: str, ylabel: str, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for codec, runs in report["baselines"].items():
        runs = sorted(runs, key=lambda r: r["target_bpp"])
        points = [r["all_images"] for r in runs]
        line, = ax.plot([p["bpp"] for p in points], [p[metric] for p in points], "-",
                        label=CODEC_LABELS.get(codec, codec))
        for r, p in zip(runs, points):
            full = r["unreachable"] == 0
            ax.plot(p["bpp"], p[metric], "o", color=line.get_color(),
                    markerfacecolor=line.get_color() if full else "none")
    for run in report["ours"]:
        ax.plot(run["bpp"], run[metric], "*", markersize=14, label=f"ours: {run['label']}")
    ax.set_xlabel("bits per pixel (actual file or code size / pixels)")
    ax.set_ylabel(ylabel)
    ax.set_title(f"{report['images_dir']} ({report['image_count']} images), means over all images\n"
                 "hollow: some images cannot reach the target and count at their smallest file")
    ax.title.set_fontsize(8)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    args = parse_args(argv)
    if not args.nqe_eval.is_file():
        sys.exit(f"rd_report: {args.nqe_eval} not found; build it first "
                 "(cmake --build build --target nqe-eval)")
    if not args.images.is_dir():
        sys.exit(f"rd_report: image folder {args.images} not found (--images)")
    (args.out / "runs").mkdir(parents=True, exist_ok=True)
    report = {"images_dir": str(args.images), "ours": [], "baselines": {},
              "note": "bpp/psnr/msssim/blockiness: means over the images that fit the target; "
                      "'unreachable' images are in 'best_effort' (rows in runs/*.txt with "
                      "within_budget=0); 'all_images': means over every image, unreachable ones "
                      "at their smallest file (what the plots show); 'same_images': the baseline and each of "
                      "ours over only the images the baseline fits"}
    for label, encoder, decoder in our_pairs(args):
        # Raw codes (patch-constant rate) and through the lossless entropy coder ("+ac"),
        # started from the encoder's learned prior (encoder-X.prior) where there is one.
        prior = encoder.with_suffix(".prior")
        coded = ["--entropy_code"] + (["--entropy_prior", str(prior)] if prior.is_file() else [])
        for suffix, extra in (("", []), ("+ac", coded)):
            result = run_nqe_eval(args, label + suffix,
                                  ["--encoder", str(encoder), "--decoder", str(decoder)] + extra)
            shown_prior = {"entropy_prior": shown(prior)} if extra and prior.is_file() else {}
            report["ours"].append({"label": label + suffix, "encoder": shown(encoder),
                                   "decoder": shown(decoder), **shown_prior, **result})
    for codec in [c for c in args.codecs.split(",") if c]:
        for target in [float(b) for b in args.bpps.split(",")]:
            result = run_nqe_eval(args, f"{codec}-{target:g}bpp",
                                  ["--baseline", codec, "--bpp", str(target)])
            report["baselines"].setdefault(codec, []).append({"target_bpp": target, **result})
    baseline_runs = [r for rs in report["baselines"].values() for r in rs]
    for run in baseline_runs:
        run["same_images"] = same_images(run, report["ours"])
    runs = report["ours"] + baseline_runs
    for run in runs:
        del run["_rows"]
    report["image_count"] = max((r["images"] for r in runs), default=0)
    (args.out / "rd.json").write_text(json.dumps(without_nan(report), indent=1))
    plot(report, "psnr", "PSNR, RGB (dB)", args.out / "rd-psnr.png")
    plot(report, "msssim", "MS-SSIM (luma)", args.out / "rd-msssim.png")
    print(f"rd_report: wrote {args.out}/rd.json, rd-psnr.png, rd-msssim.png")


if __name__ == "__main__":
    main()
