"""Named configurations, stored as JSON data in this folder.

A configuration may say ``"extends": "<other name>"``: it is deep-merged over that one, so an
ablation is a few lines naming only what differs. ``--set a.b.c=value`` on the command line
applies the same merge to a single key (value parsed as JSON when possible).
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

ZOO_DIR = Path(__file__).resolve().parent


def _read(name_or_path: str) -> dict:
    p = Path(name_or_path)
    if not p.suffix:
        p = ZOO_DIR / f"{name_or_path}.json"
    if not p.is_file():
        names = sorted(q.stem for q in ZOO_DIR.glob("*.json") if q.stem != "quantizers")
        raise FileNotFoundError(f"no configuration {name_or_path!r}; known: {names}")
    return json.loads(p.read_text())


def deep_merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def load_config(name_or_path: str, overrides: list[str] | None = None) -> dict:
    cfg = _read(name_or_path)
    chain = [name_or_path]
    while "extends" in cfg:
        parent = cfg.pop("extends")
        chain.append(parent)
        cfg = deep_merge(_read(parent), cfg)
    for item in overrides or []:
        key, _, raw = item.partition("=")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        node = {}
        cur = node
        parts = key.split(".")
        for part in parts[:-1]:
            cur = cur.setdefault(part, {})
        cur[parts[-1]] = value
        cfg = deep_merge(cfg, node)
    cfg.setdefault("name", Path(name_or_path).stem)
    cfg["_chain"] = chain
    return cfg


def quantizer_presets() -> dict:
    d = json.loads((ZOO_DIR / "quantizers.json").read_text())
    d.pop("_doc", None)
    return d


def list_configs() -> list[str]:
    return sorted(p.stem for p in ZOO_DIR.glob("*.json") if p.stem not in ("quantizers", "base"))
