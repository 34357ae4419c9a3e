"""Resolves a named codec configuration from zoo.json (a config may derive from a base)."""
import copy
import json
from pathlib import Path

ZOO = Path(__file__).with_name("zoo.json")


def names() -> list:
    return [k for k in json.loads(ZOO.read_text()) if not k.startswith("_")]


def load_config(name: str) -> dict:
    zoo = json.loads(ZOO.read_text())
    if name not in zoo or name.startswith("_"):
        raise KeyError(f"unknown codec config {name!r}; known: {', '.join(names())}")
    entry = zoo[name]
    if "base" not in entry:
        return copy.deepcopy(entry)
    config = load_config(entry["base"])
    if "encoder" in entry:
        config["encoder"] = copy.deepcopy(entry["encoder"])
    if "code_channels" in entry:
        config["encoder"][-1]["out"] = entry["code_channels"]
    for spec, width in zip(config["encoder"], entry.get("encoder_widths", [])):
        spec["out"] = width
    if "decoder" in entry:
        config["decoder"] = copy.deepcopy(entry["decoder"])
    return config
