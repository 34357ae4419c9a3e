"""Run the classifier ablations (short runs of the one training command) and print their table.

  PYTHONPATH=training /usr/bin/python3 -m nqe.tools.ablate [--runs runs/ablate] [--only NAME...]
      [--table-only] [--threads 2]

Each ablation is a zoo configuration ``ablate-<name>`` that differs from ``ablate-base`` in one
named option. Runs go to ``<runs>/<name>``; a run whose log already holds its final result is
not repeated (so the driver can be stopped and started again; an unfinished run resumes from its
checkpoint). The table (Markdown) is printed at the end and written to ``<runs>/table.md``.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from ..zoo import load_config

REPO_ROOT = Path(__file__).resolve().parents[3]

# name -> the row it is compared with (the control differing in that one option).
ABLATIONS = {
    "base": None,
    "float-bn": "base",
    "step-fixed": "base",
    "act2": "base",
    "hwmsb": "act2",
    "binary": "base",
    "flexor": "binary",
    "bsn-reestimate": "base",
}
NOT_EXPORTABLE = {"float-bn"}  # float BN has no integer form


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", default=str(REPO_ROOT / "runs" / "ablate"), help="run directories")
    p.add_argument("--only", nargs="+", default=None, metavar="NAME",
                   help=f"run only these ablations (default all: {' '.join(ABLATIONS)})")
    p.add_argument("--table-only", action="store_true", help="print the table of finished runs")
    p.add_argument("--threads", type=int, default=2, help="torch threads per run")
    p.add_argument("--data", default=None, help="CIFAR-10 directory (default ../shared/data/cifar10)")
    return p.parse_args(argv)


def read_log(run_dir: Path) -> dict | None:
    path = run_dir / "log.json"
    return json.loads(path.read_text()) if path.is_file() else None


def finished(name: str, log: dict | None) -> bool:
    if not log:
        return False
    if name in NOT_EXPORTABLE:
        tr = log["config"]["train"]
        return len(log["history"]) >= tr["epochs"] + tr["phase2_epochs"]
    return "export" in log


def run(name: str, run_dir: Path, args) -> None:
    cmd = [sys.executable, "-m", "nqe.train", "--config", f"ablate-{name}", "--out", str(run_dir),
           "--threads", str(args.threads), "--resume"]
    if args.data:
        cmd += ["--data", args.data]
    if name in NOT_EXPORTABLE:
        cmd.append("--no-export")
    print(f"== ablation {name}: {' '.join(cmd)}", flush=True)
    subprocess.run(cmd, check=True, cwd=REPO_ROOT,
                   env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "training")})


def row(name: str, log: dict) -> dict:
    hist = log["history"]
    p1 = [h for h in hist if h["phase"] == 1]
    return dict(
        name=name,
        doc=load_config(f"ablate-{name}").get("_doc", ""),
        epochs=f"{len(p1)}+{len(hist) - len(p1)}",
        phase1=p1[-1]["test_acc"] if p1 else None,
        # The same fixed 2,000-image subset for every run (integer-exact in phase 2, float for
        # float BN), so the deltas compare like with like.
        final=hist[-1]["test_acc"],
        exported=log.get("export"),
        minutes=sum(h["seconds"] for h in hist) / 60,
    )


def table(rows: dict) -> str:
    lines = ["| ablation | compared with | epochs (phase 1+2) | end of phase 1 (float, 2,000-image subset) "
             "| final (same subset) | delta vs control | exported .nqe, all 10,000 (integer) | param_bits "
             "| train min | what changes |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in rows.items():
        ctrl = ABLATIONS.get(name)
        delta = f"{100 * (r['final'] - rows[ctrl]['final']):+.2f} pt" if ctrl in rows else ""
        exp = r["exported"]
        exported = f"{100 * exp['int_accuracy']:.2f} %" if exp else "float only"
        lines.append(
            f"| {name} | {ctrl or '-'} | {r['epochs']} | {100 * r['phase1']:.2f} % "
            f"| {100 * r['final']:.2f} % | {delta} "
            f"| {exported} "
            f"| {exp['param_bits'] if exp else '-'} | {r['minutes']:.1f} | {r['doc']} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    runs = Path(args.runs)
    names = args.only or list(ABLATIONS)
    unknown = [n for n in names if n not in ABLATIONS]
    if unknown:
        sys.exit(f"nqe.tools.ablate: unknown ablation(s) {unknown}; known: {list(ABLATIONS)}")
    if not args.table_only:
        for name in names:
            if finished(name, read_log(runs / name)):
                print(f"== ablation {name}: finished earlier, kept", flush=True)
                continue
            run(name, runs / name, args)
    rows = {n: row(n, log) for n in ABLATIONS
            if finished(n, log := read_log(runs / n))}
    text = table(rows)
    runs.mkdir(parents=True, exist_ok=True)
    (runs / "table.md").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
