"""Quantisation-aware training of an NQE network, BSN phase 2 and export.

  PYTHONPATH=training /usr/bin/python3 -m nqe.train --config vgg-a [--set train.epochs=20] \
      [--data DIR] [--out runs/NAME] [--resume] [--export models/x.nqe]

Schedule: ``train.epochs`` phase-1 epochs (float BN or learned-scale BSN, OneCycle), optional
structural pruning at ``train.prune.epoch``, then ``train.phase2_epochs`` epochs with frozen
power-of-two shifts and integer biases (exactly the engine's BitShiftNorm), then export to .nqe
and an integer check with the reference interpreter (done by nqe.export in a subprocess, so
the export code on disk at the end of a long run is the one used).
Every epoch: progress line, checkpoint (``--resume`` continues from it), JSON log, PNG curve.
``train.time_budget_min`` / ``train.phase2_time_min`` lay a phase's schedule over minutes
instead of epochs, measured on the wall clock of the session that starts the phase; a
``--resume``d phase counts the rest in steps at its pace so far (the median epoch, kept in the
checkpoint as ``step_s``), so a later session on a slower CPU trains the same steps, slower.
Progress lines and the curve number epochs from 1; the ``epoch`` field of log.json and of the
checkpoint counts from 0.

``train.distill`` adds a distillation loss from a trained teacher checkpoint, or an ensemble of
several (``--set 'train.distill.teacher=["a.pt", "b.pt"]'``; nqe/distill.py; the logged loss is
then the mixed loss). ``--resume --warm-restart`` fine-tunes a finished run again: the
checkpoint's phase starts over with a fresh optimiser and its full schedule (once: a later
``--resume`` with the same flag continues that restart while it is unfinished, i.e. stopped
before the end of the budget it was launched with; once it has finished, the flag restarts it
again, e.g. with another teacher or a longer budget).
``train.phase2_average_from`` averages the weights of the epochs after that fraction of phase 2
and ends the phase with the average (nqe/averaging.py); ``train.phase2_lr_floor`` stops the
phase-2 cosine at that fraction of its peak, so the averaged epochs differ.
At the switch to phase 2, ``train.bsn_bias=zero_point`` keeps each channel's zero crossing
when its scale is rounded to a power of two (the default ``intercept`` keeps its offset, the
rule of the shipped models), and ``train.bsn_reestimate=N`` first re-estimates each unit's BN
statistics on N batches of 500 training images with the units before it already frozen, so
rounding errors do not compound through the network (per-channel shifts only). The log gives
the integer subset accuracy right after the switch.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from .averaging import WeightAverage
from .bf16 import autocast, resolve_bf16
from .data import add_data_arguments, iterate_batches, load_cifar10
from .distill import Distiller
from .models import build_model, load_stage_weights, prunable_units, units
from .models.budget import param_bits_estimate
from .zoo import load_config

REPO_ROOT = Path(__file__).resolve().parents[2]


# --- setup --------------------------------------------------------------------------------------
def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", required=True, help="zoo configuration name or JSON path")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a configuration key, e.g. train.epochs=10 (repeatable)")
    add_data_arguments(p)
    p.add_argument("--out", default=None, help="run directory (default runs/<config>)")
    p.add_argument("--resume", action="store_true", help="continue from <out>/checkpoint.pt")
    p.add_argument("--warm-restart", action="store_true",
                   help="with --resume: restart the checkpoint's current phase as a new one (fresh "
                        "optimiser, its learning-rate schedule from the peak over the phase's full "
                        "budget), e.g. to fine-tune a finished model with another recipe")
    p.add_argument("--init-from", type=Path, default=None, metavar="CHECKPOINT",
                   help="start a new run in --out from another run's checkpoint: its conv "
                        "weights (stage by stage, so pooling stages may move; every layer's shape "
                        "must match) and its history, then this configuration's whole schedule "
                        "(phase 1 with fresh float norms, then BSN phase 2). Ignored when "
                        "--resume finds a checkpoint in --out")
    p.add_argument("--export", default=None, help="write the .nqe here (default <out>/model.nqe)")
    p.add_argument("--no-export", action="store_true")
    p.add_argument("--int-eval", type=int, default=10000,
                   help="test images checked through the exported integer model")
    p.add_argument("--subset", type=int, nargs=2, default=None, metavar=("TRAIN", "TEST"),
                   help="train/test on a random subset (smoke tests, speed checks)")
    p.add_argument("--max-batches", type=int, default=None, help="stop each epoch after N batches")
    p.add_argument("--threads", type=int, default=2)
    return p.parse_args(argv)


def to_input(x: torch.Tensor) -> torch.Tensor:
    return x.contiguous(memory_format=torch.channels_last)


# --- schedules ----------------------------------------------------------------------------------
def make_optimizer(model, lr: float, weight_decay: float, kind: str):
    params = [p for p in model.parameters() if p.requires_grad]
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True, weight_decay=weight_decay)
    raise ValueError(kind)


def lr_factor(t: float, kind: str, pct_start: float, floor: float = 0.0) -> float:
    """Multiplier of the peak lr at progress t in [0, 1] (OneCycle: linear warm-up then cosine
    to ~0; cosine: cosine from the peak), never below ``floor``."""
    t = min(max(t, 0.0), 1.0)
    if kind == "onecycle":
        if t < pct_start:
            return 0.04 + 0.96 * t / pct_start
        t = (t - pct_start) / (1 - pct_start)
    return max(0.5 * (1 + math.cos(math.pi * t)) + 1e-3, floor)


class Progress:
    """Where a phase is in its schedule: by steps (``epochs``), or by wall-clock when the phase
    has a time budget (``time_budget_min``): on a shared 2-core CPU the speed is not known in
    advance, so the OneCycle schedule is laid over the minutes available instead and the phase
    ends when they are used up. ``used_s`` survives --resume through the checkpoint.

    A resumed run counts its budget in steps at ``step_s``, the pace of the sessions before
    (see ``run_pace``): a long run's later sessions may land on a slower or faster CPU (one
    without native bf16 trains about 2.2x slower), and on the wall clock the rest of its schedule
    would be squeezed into fewer steps, or stretched over more, than the run was laid out with."""

    def __init__(self, n_epochs: int, batches_per_epoch: int, budget_s: float | None,
                 used_s: float = 0.0, step_s: float | None = None):
        self.total_steps = max(n_epochs * batches_per_epoch, 1)
        self.budget_s, self.used_s, self.step_s = budget_s, used_s, step_s
        self._t0 = self._step0 = None

    def start(self, step: int) -> None:
        self._t0, self._step0 = time.time(), step

    def _running(self, step: int) -> float:
        """Budget seconds spent since ``start``."""
        if self._t0 is None:
            return 0.0
        return (step - self._step0) * self.step_s if self.step_s else time.time() - self._t0

    def stop(self, step: int) -> None:
        self.used_s += self._running(step)
        self._t0 = self._step0 = None

    def fraction(self, step: int) -> float:
        if self.budget_s:
            return (self.used_s + self._running(step)) / self.budget_s
        return step / self.total_steps

    def done(self, step: int) -> bool:
        return self.fraction(step) >= 1.0


def run_pace(history: list, phase: int, first_epoch: int, batches_per_epoch: int) -> float | None:
    """Seconds per step of a phase so far: the median epoch of its history (robust to one
    session on a slower machine), or None before it has one."""
    secs = [h["seconds"] for h in history if h["phase"] == phase and h["epoch"] >= first_epoch]
    return statistics.median(secs) / batches_per_epoch if secs else None


# --- one epoch ----------------------------------------------------------------------------------
def train_epoch(model, opt, data, cfg, epoch, phase, gen, args, log_fn, progress: Progress,
                distiller=None, bf16: bool = False):
    tr = cfg["train"]
    model.train()
    bs = tr["batch_size"]
    n_batches = len(data.y_train) // bs
    if args.max_batches:
        n_batches = min(n_batches, args.max_batches)
    first_epoch = progress.first_epoch
    peak = tr["phase2_lr"] if phase == 2 else tr["lr"]
    kind = "cosine" if phase == 2 else tr["schedule"]
    floor = (tr.get("phase2_lr_floor") or 0.0) if phase == 2 else 0.0
    tot_loss = tot_ok = seen = 0
    t0 = time.time()
    for b, (xb, yb) in enumerate(iterate_batches(data.x_train, data.y_train, bs, True, True, gen,
                                                 drop_last=True, cutout_size=tr.get("cutout", 0))):
        if b >= n_batches:
            break
        step = (epoch - first_epoch) * n_batches + b
        if progress.done(step):
            break
        for g in opt.param_groups:
            g["lr"] = peak * lr_factor(progress.fraction(step), kind, tr.get("pct_start", 0.15), floor)
        model.set_epoch(epoch + b / n_batches)
        with autocast(bf16):
            logits = model(to_input(xb))
        loss = F.cross_entropy(logits.float(), yb, label_smoothing=tr["label_smoothing"])
        if distiller:
            loss = distiller.loss(xb, logits, loss)
            distiller.zero_grad()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if distiller:
            distiller.step()
        tot_loss += float(loss) * len(yb)
        tot_ok += int((logits.argmax(1) == yb).sum())
        seen += len(yb)
        if b % 50 == 0:
            log_fn(f"  epoch {epoch + 1} batch {b}/{n_batches} loss {tot_loss / seen:.4f} "
                   f"acc {tot_ok / seen:.4f} {(time.time() - t0) / (b + 1):.3f} s/batch")
    return tot_loss / max(seen, 1), tot_ok / max(seen, 1), time.time() - t0


def eval_subset(n_test: int, n: int | None) -> torch.Tensor:
    """The test images a curve is scored on: the files are sorted by class, so a fixed random
    (class-mixed) subset, the same every epoch and every run; all of them when n is None."""
    return torch.randperm(n_test, generator=torch.Generator().manual_seed(1))[:n or n_test]


@torch.no_grad()
def evaluate(model, x, y, bf16: bool, batch: int = 500) -> float:
    """Float-model accuracy. In phase 2 with bf16 off this is integer-exact (fp32 sums of
    integers below 2^24), which cross-checks the exported model."""
    model.eval()
    ok = 0
    for xb, yb in iterate_batches(x, y, batch, False, False):
        with autocast(bf16):
            ok += int((model(to_input(xb)).argmax(1) == yb).sum())
    return ok / len(y)


# --- phase transitions --------------------------------------------------------------------------
@torch.no_grad()
def calibrate(model, x: torch.Tensor, quantile: float = 0.9) -> None:
    """One float forward pass recording each norm's pre-activation quantile (layer-shared BSN)."""
    norms = [u.norm for u in units(model)]
    for n in norms:
        n.calib_quantile = quantile
    model.eval()
    model(to_input(x))
    for n in norms:
        n.calib_quantile = None


REESTIMATE_BATCH = 500  # images per batch of train.bsn_reestimate


@torch.no_grad()
def reestimate_statistics(model, unit, x: torch.Tensor, bf16: bool,
                          batch: int = REESTIMATE_BATCH) -> None:
    """Recompute one float-BN unit's running statistics (a cumulative average over ``x``) from
    the input the network now gives it, i.e. with the units before it already converted, so
    its own shift and bias absorb their rounding errors instead of compounding them."""
    stage = next(i for i, s in enumerate(model.stages) if any(m is unit for m in s.modules()))
    norm = unit.norm
    momentum = norm.momentum
    norm.running_mean.zero_()
    norm.running_var.fill_(1.0)
    was_training = model.training
    model.train()   # batch statistics feed the running average
    for k, i in enumerate(range(0, len(x), batch)):
        norm.momentum = 1.0 / (k + 1)
        with autocast(bf16):
            model(to_input(x[i:i + batch]), n_stages=stage + 1)
    norm.momentum = momentum
    model.train(was_training)


def to_phase2(model, data, cfg, log_fn, bf16: bool = False, structure_only: bool = False) -> None:
    """Freeze every unit into BSN (shifts, integer biases). ``train.bsn_reestimate`` > 0
    first re-estimates each float-BN unit's statistics on that many batches of 500 training
    images, in network order (see reestimate_statistics); ``structure_only`` (a resume, whose
    checkpoint then overwrites the result) skips that work."""
    tr = cfg["train"]
    mode, bias = tr["bsn_shift"], tr.get("bsn_bias", "intercept")
    n_batches = 0 if structure_only else int(tr.get("bsn_reestimate") or 0)
    if mode == "layer":
        if n_batches:
            raise ValueError("train.bsn_reestimate needs per-channel shifts (train.bsn_shift=channel)")
        calibrate(model, data.x_train[:1000])
    x = None
    if n_batches:
        pick = torch.randperm(len(data.y_train), generator=torch.Generator().manual_seed(0))
        x = data.x_train[pick[:REESTIMATE_BATCH * n_batches]]
    for u in units(model):
        if x is not None and u.norm.kind == "bn":
            reestimate_statistics(model, u, x, bf16)
        u.to_shift(mode, bias=bias)
    for q in model.quantizers():
        q.set_hard(True)
    shifts = [sorted(set(u.norm.shift.tolist())) for u in units(model)]
    extra = f", statistics re-estimated on {len(x)} images" if x is not None else ""
    log_fn(f"BSN phase 2: {mode} shifts {shifts} (bias keeps the {bias}{extra})")


@torch.no_grad()
def prune(model, ratio: float, criterion: str, log_fn) -> None:
    """Structural pruning: in every prunable unit mask the ``ratio`` of output channels with
    the smallest score; export then removes them. Scores: "l1" = sum |levels| x |norm scale|
    (the channel's typical contribution), "scale" = |norm scale| alone."""
    for u in prunable_units(model):
        a, _ = u.norm.scale_and_bias()
        score = a.abs()
        if criterion == "l1":
            score = score * u.convs[-1].quant.hard_levels().abs().sum((1, 2, 3))
        k = int(ratio * u.out_ch)
        if k == 0:
            continue
        drop = torch.argsort(score)[:k]
        u.mask[drop] = 0
    log_fn(f"pruned {ratio:.0%} of channels by {criterion}: "
           f"{[int(u.mask.sum()) for u in prunable_units(model)]} kept")


# --- bookkeeping --------------------------------------------------------------------------------
def save_checkpoint(path: Path, model, opt, epoch: int, history: list, cfg: dict, **state) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": epoch,
                "history": history, "config": cfg, **state}, tmp)
    os.replace(tmp, path)  # a kill during the save keeps the previous checkpoint


def plot_curve(history: list, path: Path, title: str, int_acc: float | None = None,
               averaged: dict | None = None) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ep = [h["epoch"] + 1 for h in history]
    fig, ax = plt.subplots(figsize=(6.4, 4))
    ax.plot(ep, [h["train_acc"] for h in history], label="train (augmented, running)")
    ax.plot(ep, [h["test_acc"] for h in history], label="test (float/bf16 eval)")
    p2 = [h["epoch"] + 1 for h in history if h["phase"] == 2]
    if p2:
        ax.axvspan(min(p2) - 0.5, max(p2) + 0.5, color="0.9", label="BSN phase 2 (integer)")
    for i, e in enumerate(h["epoch"] + 1 for h in history if h.get("restart")):
        ax.axvline(e - 0.5, color="0.4", ls="--", lw=1, label="warm restart" if i == 0 else None)
    kd = [h["epoch"] + 1 for h in history if h.get("teacher")]
    if kd:
        teachers = list(dict.fromkeys(h["teacher"] for h in history if h.get("teacher")))
        ax.axvspan(min(kd) - 0.5, max(kd) + 0.5, color="tab:green", alpha=0.08,
                   label=f"distilled from {', then '.join(teachers)}")
    if averaged:
        ax.plot([ep[-1]], [averaged["test_acc"]], "kD", ms=6,
                label=f"average of epochs {averaged['epochs'][0] + 1}-{averaged['epochs'][-1] + 1}")
    if int_acc is not None:
        ax.plot([ep[-1]], [int_acc], "r*", ms=12, label=f"exported integer model {int_acc:.4f}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run_export(args, out_dir: Path, checkpoint: Path, export_path: Path, command: str, log_fn):
    """Export in a fresh interpreter (picks up the export code as it is on disk now)."""
    cmd = [sys.executable, "-m", "nqe.export", "--checkpoint", str(checkpoint), "--out",
           str(export_path), "--int-eval", str(args.int_eval), "--command", command,
           "--result", str(out_dir / "export.json")]
    if args.data:
        cmd += ["--data", args.data]
    if args.cache:
        cmd += ["--cache", args.cache]
    log_fn("export: " + " ".join(shlex.quote(c) for c in cmd))
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "training"))
    r = subprocess.run(cmd, env=env)
    if r.returncode != 0:
        log_fn(f"export FAILED (exit {r.returncode}); the checkpoint {checkpoint} is kept")
        return None
    return json.loads((out_dir / "export.json").read_text())


# --- main ---------------------------------------------------------------------------------------
def main(argv=None, data=None):
    """``data`` (a Cifar10) replaces --data/--subset: tests pass a small in-memory set."""
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    cfg = load_config(args.config, args.set)
    tr = cfg["train"]
    out_dir = Path(args.out or REPO_ROOT / "runs" / cfg["name"])
    out_dir.mkdir(parents=True, exist_ok=True)
    logf = open(out_dir / "train.log", "a")

    def log_fn(msg: str) -> None:
        line = f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}"
        print(line, flush=True)
        logf.write(line + "\n")
        logf.flush()

    command = "PYTHONPATH=training /usr/bin/python3 -m nqe.train " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    torch.manual_seed(tr["seed"])
    gen = torch.Generator().manual_seed(tr["seed"])
    data = data or load_cifar10(args.data, args.cache)
    if args.subset:
        data = data.subset(*args.subset)
    model = build_model(cfg).to(memory_format=torch.channels_last)
    mem = param_bits_estimate(model)
    bf16 = resolve_bf16(tr["autocast_bf16"])
    log_fn(f"config {cfg['name']} ({' <- '.join(cfg['_chain'])}); data {data.source}; "
           f"param_bits estimate {mem['param_bits']} / {mem['budget']}; "
           f"bf16 autocast {'on' if bf16 else 'off'} (train.autocast_bf16={tr['autocast_bf16']})")
    bpe = len(data.y_train) // tr["batch_size"]
    if args.max_batches:
        bpe = min(bpe, args.max_batches)

    def budget(key, t=tr):
        return 60.0 * t[key] if t.get(key) else None

    def phase_progress(t: dict, phase: int, first_epoch: int, used_s: float = 0.0,
                       step_s: float | None = None) -> Progress:
        """The progress of ``phase`` under the training configuration ``t``."""
        n, minutes = ("epochs", "time_budget_min") if phase == 1 else ("phase2_epochs", "phase2_time_min")
        prog = Progress(t[n], bpe, budget(minutes, t), used_s, step_s)
        prog.first_epoch = first_epoch
        return prog

    def new_phase(phase: int, first_epoch: int, used_s: float = 0.0, step_s: float | None = None):
        """Optimiser and progress of a phase. Phase 2 gets a fresh optimiser: the Adam moments
        of phase 1 belong to another loss landscape (frozen shifts, hard quantisers)."""
        if phase == 1:
            opt = make_optimizer(model, tr["lr"], tr["weight_decay"], tr["optimizer"])
        else:
            opt = make_optimizer(model, tr["phase2_lr"], 0.0, tr["optimizer"])
        return opt, phase_progress(tr, phase, first_epoch, used_s, step_s)

    eval_idx = eval_subset(len(data.y_test), tr.get("eval_images"))
    history, epoch, phase = [], 0, 1
    restart_epoch = None  # the last warm restart: marked in the history, the curve, the checkpoint
    average, averaged = None, None  # phase 2's running weight average; its result once applied
    opt, progress = new_phase(1, 0)
    ckpt_path = out_dir / "checkpoint.pt"
    ck = None

    def new_average(phase: int, state: dict | None = None):
        if phase != 2 or not tr.get("phase2_average_from"):
            return None
        average = WeightAverage()
        if state:
            average.load_state_dict(state)
        return average

    def save(**extra) -> None:
        """Checkpoint after the last epoch trained (``epoch - 1`` once the loop has moved on)."""
        save_checkpoint(ckpt_path, model, opt, history[-1]["epoch"], history, cfg,
                        phase=phase, used_s=progress.used_s, step_s=progress.step_s,
                        phase_first_epoch=progress.first_epoch,
                        **({"distiller": distiller.state_dict()} if distiller else {}),
                        **({"warm_restart_epoch": restart_epoch} if restart_epoch is not None else {}),
                        **({"average": average.state_dict()} if average else {}),
                        **({"averaged": averaged} if averaged else {}), **extra)

    def write_log(**extra) -> None:
        (out_dir / "log.json").write_text(json.dumps(
            {"config": cfg, "command": command, "history": history,
             **({"average": averaged} if averaged else {}), **extra}, indent=1))

    def phase_done(prog: Progress | None = None) -> bool:
        prog = prog or progress
        step = (epoch - prog.first_epoch) * bpe
        if prog.budget_s and history:
            # Do not start an epoch that would be mostly cut off by the time budget.
            epoch_s = prog.step_s * bpe if prog.step_s else history[-1]["seconds"]
            return prog.budget_s - prog.used_s < 0.3 * epoch_s
        return prog.done(step)

    if args.resume and ckpt_path.is_file():
        ck = torch.load(ckpt_path)
        # The run keeps its pace: set by the checkpoint, or by the sessions before this one.
        step_s = ck.get("step_s") or run_pace(ck["history"], ck["phase"],
                                              ck["phase_first_epoch"], bpe)
        if ck["phase"] == 2:
            # The phase-2 structure, then its saved state (the shifts computed here from the
            # untrained model are overwritten, so they are not logged).
            to_phase2(model, data, cfg, lambda msg: None, structure_only=True)
        opt, progress = new_phase(ck["phase"], ck["phase_first_epoch"], ck["used_s"], step_s)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        history, epoch, phase = ck["history"], ck["epoch"] + 1, ck["phase"]
        gen.manual_seed(tr["seed"] + epoch)
        log_fn(f"resumed after epoch {epoch} (phase {phase})"
               + (f"; the time budget counts steps at the run's pace, {step_s * bpe:.0f} s/epoch"
                  if progress.budget_s and step_s else ""))
        restart_epoch = ck.get("warm_restart_epoch")
        average, averaged = new_average(phase, ck.get("average")), ck.get("averaged")
        # A new restart unless this checkpoint is an unfinished restart (stopped before the end
        # of the budget it was launched with, and of this one): then --resume continues it.
        as_launched = phase_progress(ck["config"]["train"], phase, progress.first_epoch,
                                     ck["used_s"], step_s)
        if args.warm_restart and (restart_epoch != progress.first_epoch or phase_done()
                                  or phase_done(as_launched)):
            opt, progress = new_phase(phase, epoch, step_s=step_s)
            log_fn(f"warm restart: phase {phase} starts again at epoch {epoch + 1}")
            restart_epoch = epoch
            average, averaged = new_average(phase), None
    elif args.warm_restart:
        sys.exit("nqe.train: --warm-restart needs --resume and a checkpoint in --out")
    elif args.init_from:
        ck = torch.load(args.init_from)
        load_stage_weights(model, ck["model"])
        history, epoch = ck["history"], ck["epoch"] + 1
        gen.manual_seed(tr["seed"] + epoch)
        opt, progress = new_phase(1, epoch)
        restart_epoch = epoch  # the curve marks where this run took over
        log_fn(f"initialised from {args.init_from} ({ck['config']['name']}, epoch {epoch}): "
               f"its weights, fresh norms; phase 1 starts at epoch {epoch + 1}")
    distiller = None
    if tr.get("distill"):
        distiller = Distiller(tr["distill"], bf16, to_input, log_fn)
        if ck and "distiller" in ck and not distiller.load_state_dict(ck["distiller"]):
            log_fn("the checkpoint's distillation scale was learned against another teacher: "
                   "it starts afresh")
        t_acc = evaluate(distiller.teacher, data.x_test[eval_idx], data.y_test[eval_idx], bf16)
        log_fn(f"teacher accuracy {t_acc:.4f} on the {len(eval_idx)}-image test subset"
               f"{' (one view; its targets average two)' if distiller.mirror else ''}")

    while True:
        if phase_done():
            if phase == 2 or tr["phase2_epochs"] == 0 and not tr.get("phase2_time_min"):
                if average and average.n and not averaged:
                    average.copy_to(model)
                    averaged = dict(epochs=average.epochs, eval_images=len(eval_idx),
                                    last_epoch_test_acc=history[-1]["test_acc"],
                                    test_acc=evaluate(model, data.x_test[eval_idx],
                                                      data.y_test[eval_idx], bf16=False))
                    log_fn(f"phase 2 ends with the average of the weights of epochs "
                           f"{average.epochs[0] + 1}-{average.epochs[-1] + 1} ({average.n}): "
                           f"test_acc {averaged['test_acc']:.4f} against "
                           f"{averaged['last_epoch_test_acc']:.4f} for the last epoch's weights")
                    save()
                    write_log()
                    plot_curve(history, out_dir / "curve.png", cfg["name"], averaged=averaged)
                break
            phase = 2
            to_phase2(model, data, cfg, log_fn, bf16)
            log_fn(f"right after the switch (integer, before phase-2 training): test_acc "
                   f"{evaluate(model, data.x_test[eval_idx], data.y_test[eval_idx], bf16=False):.4f}")
            opt, progress = new_phase(2, epoch)
            average = new_average(2)
            continue
        if tr.get("prune") and phase == 1 and epoch - progress.first_epoch == tr["prune"]["epoch"]:
            prune(model, tr["prune"]["ratio"], tr["prune"].get("criterion", "l1"), log_fn)
        if phase == 1:
            model.update_steps()  # histogram equalisation at the start of every epoch
        steps_after = (epoch - progress.first_epoch + 1) * bpe  # the phase's steps after this epoch
        progress.start(steps_after - bpe)
        loss, train_acc, secs = train_epoch(model, opt, data, cfg, epoch, phase, gen, args,
                                            log_fn, progress, distiller, bf16)
        progress.stop(steps_after)
        if average is not None and progress.fraction(steps_after) >= tr["phase2_average_from"]:
            average.update(model, epoch)
        # Phase 2 eval in fp32 is integer-exact.
        test_acc = evaluate(model, data.x_test[eval_idx], data.y_test[eval_idx],
                            bf16=bf16 and phase == 1)
        n_eval = len(eval_idx)
        history.append(dict(epoch=epoch, phase=phase, loss=loss, train_acc=train_acc,
                            test_acc=test_acc, seconds=secs, eval_images=n_eval,
                            utc=time.strftime("%H:%M:%S", time.gmtime()),
                            **({"restart": True} if epoch == restart_epoch else {}),
                            **({"teacher": distiller.teacher_name} if distiller else {})))
        if progress.budget_s:
            # Budget seconds left, in this machine's seconds.
            speed = secs / (progress.step_s * bpe) if progress.step_s else 1.0
            eta = (progress.budget_s - progress.used_s) * speed + (
                budget("phase2_time_min") or 0 if phase == 1 else 0)
        else:
            left = tr["phase2_epochs"] + (tr["epochs"] if phase == 1 else 0)
            eta = secs * (left - (epoch - progress.first_epoch) - 1)
        log_fn(f"epoch {epoch + 1} phase {phase} loss {loss:.4f} train_acc {train_acc:.4f} "
               f"test_acc {test_acc:.4f} ({n_eval} images) {secs:.0f} s/epoch "
               f"ETA {eta / 60:.1f} min")
        save()
        write_log()
        plot_curve(history, out_dir / "curve.png", cfg["name"])
        epoch += 1
    if args.no_export:
        return 0
    export_path = Path(args.export) if args.export else out_dir / "model.nqe"
    result = run_export(args, out_dir, ckpt_path, export_path, command, log_fn)
    if result:
        log_fn(f"exported {export_path}: integer test accuracy {result['int_accuracy']:.4f} "
               f"on {result['int_eval_images']} images; param_bits {result['param_bits']}, "
               f"activation_bits {result['activation_bits']}")
        plot_curve(history, out_dir / "curve.png", cfg["name"], result["int_accuracy"], averaged)
        write_log(export=result)
    return 0 if result else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except FileNotFoundError as e:   # missing data or configuration: a message, not a trace
        sys.exit(f"nqe.train: {e}")
