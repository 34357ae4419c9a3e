"""A network is a list of stages described by data (a zoo configuration's "model" entry):

  {"type": "conv", "out": C, "k": 3, "stride": 1, "weights": <quantiser>, "act": <optional>}
  {"type": "maxpool"}                                          2x2, stride 2
  {"type": "mux", "k": 3, "weights": <quantiser>}              MOGNET MUX residual block
  {"type": "mux", "latent": m, "groups": g, "pointwise": <q>, "grouped": <q>, "seed": s}
                                                               ... whose two units are CFLOG
  {"type": "residual", "k": 3, "weights": <quantiser>}         x + f(x), float teachers only
  {"type": "cflog", "out": C, "latent": m, "groups": g, "k": 3,
   "pointwise": <quantiser>, "grouped": <quantiser>, "rule": 30, "seed": s}
  {"type": "classifier", "weights": <quantiser>}               1x1 conv + global sum pool

<quantiser> is a preset name from zoo/quantizers.json or an inline dict (layers/weights.py).
"norm" and "act" at model level are the defaults of every unit.
"""
from __future__ import annotations

import torch
from torch import nn

from ..layers import Classifier, ConvUnit, MuxBlock, ResidualBlock, make_cflog, make_unit


def _resolve(q, presets: dict, roles: dict) -> dict:
    """A quantiser: inline dict, a role of the model ("first", "body", ... in model.quant, so an
    ablation overrides one entry instead of every layer), or a preset name."""
    while isinstance(q, str) and q in roles:
        q = roles[q]
    return dict(presets[q]) if isinstance(q, str) else dict(q)


def _cflog_args(spec: dict, presets: dict, roles: dict, default_seed: int) -> dict:
    """A CFLOG unit's make_cflog arguments from its layer spec (a cflog stage, or a mux block
    whose two units are CFLOG units)."""
    return dict(latent=spec["latent"], groups=spec["groups"],
                pointwise=_resolve(spec["pointwise"], presets, roles),
                grouped=_resolve(spec["grouped"], presets, roles),
                rule=spec.get("rule", 30), seed=spec.get("seed", default_seed))


class NQENet(nn.Module):
    def __init__(self, model_cfg: dict, presets: dict):
        super().__init__()
        self.cfg = model_cfg
        self.offset = int(model_cfg.get("input_offset", 128))
        norm, act = model_cfg["norm"], model_cfg["act"]
        roles = model_cfg.get("quant", {})
        ch = int(model_cfg.get("in_channels", 3))
        stages = []
        for spec in model_cfg["layers"]:
            t = spec["type"]
            if t == "conv":
                stage = make_unit(ch, spec["out"], spec.get("k", 3),
                                  _resolve(spec["weights"], presets, roles), norm,
                                  spec.get("act", act), stride=spec.get("stride", 1))
                ch = spec["out"]
            elif t == "maxpool":
                stage = nn.MaxPool2d(2, 2)
            elif t == "mux":
                cflog = (_cflog_args(spec, presets, roles, 100 * (len(stages) + 1))
                         if "latent" in spec else None)
                stage = MuxBlock(ch, spec.get("k", 3),
                                 _resolve(spec["weights"], presets, roles) if cflog is None else None,
                                 norm, spec.get("act", act), cflog)
            elif t == "residual":
                stage = ResidualBlock(ch, spec.get("k", 3), _resolve(spec["weights"], presets, roles),
                                      norm, spec.get("act", act))
            elif t == "cflog":
                stage = make_cflog(ch, spec["out"], k=spec.get("k", 3), norm=norm,
                                   act=spec.get("act", act),
                                   **_cflog_args(spec, presets, roles, len(stages) + 1))
                ch = spec["out"]
            elif t == "classifier":
                stage = Classifier(ch, int(model_cfg.get("classes", 10)),
                                   _resolve(spec["weights"], presets, roles))
            else:
                raise ValueError(f"unknown stage type {t!r}")
            stages.append(stage)
        self.stages = nn.ModuleList(stages)

    def forward(self, x_uint8: torch.Tensor, n_stages: int | None = None) -> torch.Tensor:
        """The logits, or with ``n_stages`` the output of the first n stages."""
        # The engine's tensor 0: pixel - offset, integers in [-offset, 255 - offset].
        x = x_uint8.float() - self.offset
        for s in self.stages[:n_stages]:
            x = s(x)
        return x

    # --- hooks used by the training loop ---------------------------------------------------------
    def quantizers(self):
        from ..layers import WeightQuantizer
        return [m for m in self.modules() if isinstance(m, WeightQuantizer)]

    def update_steps(self) -> None:
        for q in self.quantizers():
            q.update_step()

    def set_epoch(self, epoch: float) -> None:
        for q in self.quantizers():
            q.set_epoch(epoch)


def has_float_weights(model: NQENet) -> bool:
    """A float distillation teacher: trainable, never exportable, outside the bit budget."""
    return any(q.export_spec()["encoding"] == "float32" for q in model.quantizers())


def units(model: NQENet) -> list[ConvUnit]:
    return [m for m in model.modules() if isinstance(m, ConvUnit)]


def prunable_units(model: NQENet) -> list[ConvUnit]:
    """Units whose output channels can be removed: those read only by a conv-like stage (the
    MUX block's skip ties its input and output channel counts, so neither may change)."""
    out = []
    stages = list(model.stages)
    for i, s in enumerate(stages):
        if isinstance(s, MuxBlock):
            out.append(s.unit1)
        if not isinstance(s, ConvUnit):
            continue
        nxt = next((t for t in stages[i + 1:] if not isinstance(t, nn.MaxPool2d)), None)
        if isinstance(nxt, (ConvUnit, Classifier)):
            out.append(s)
    return out


def build_model(config: dict) -> NQENet:
    from ..zoo import quantizer_presets
    return NQENet(config["model"], quantizer_presets())


def load_stage_weights(model: NQENet, state: dict) -> None:
    """Load another network's weights stage by stage: the i-th stage holding state gets the
    i-th such stage of ``state``. Pooling stages hold none, so a configuration that moves or
    adds pooling can start from a trained network; every layer's shape must match. Only the
    weight quantisers' state is taken: the norms start afresh in phase 1 (batch statistics
    re-learn the scales, which a new layout changes), and a phase-2 checkpoint's weights have
    its negative-scale channels already folded into their signs, so nothing is lost."""
    def stage_ids(keys) -> list[int]:
        return sorted({int(k.split(".")[1]) for k in keys if k.startswith("stages.")})

    old, new = stage_ids(state), stage_ids(model.state_dict())
    if len(old) != len(new):
        raise ValueError(f"the checkpoint has {len(old)} stages with weights, this "
                         f"configuration {len(new)}: only parameter-free stages may differ")
    renumber = dict(zip(old, new))
    remapped = {}
    for key, value in state.items():
        if ".norm." in key:
            continue
        if key.startswith("stages."):
            _, i, rest = key.split(".", 2)
            key = f"stages.{renumber[int(i)]}.{rest}"
        remapped[key] = value
    try:
        missing, unexpected = model.load_state_dict(remapped, strict=False)
    except RuntimeError as e:  # shape mismatches: say which layer, not a wall of tensors
        raise ValueError(f"checkpoint weights do not fit this configuration: {e}") from None
    missing = [k for k in missing if ".norm." not in k]
    if missing or unexpected:
        raise ValueError(f"checkpoint weights do not fit this configuration: missing {missing}, "
                         f"unexpected {unexpected}")
