"""Export a trained NQE network to a .nqe model file and check it with the integer reference.

  PYTHONPATH=training /usr/bin/python3 -m nqe.export --checkpoint runs/X/checkpoint.pt \
      --out models/X.nqe [--int-eval 10000] [--data DIR]

The walk over the network mirrors nqe.models.net: every ConvUnit becomes conv(s) -> BSN ->
activation, MaxPool, the MUX block conv-unit, conv-unit, mux, the classifier conv -> global
sum pool. Pruned channels (mask 0) are removed from their conv and from the input channels of
the next conv, which is exact because their activations are identically 0.
The reported accuracy is the exported file's integer accuracy (a torch integer runner, checked
bit for bit against nqe.reference on a subset), never the float model's.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .data import add_data_arguments
from .layers import Classifier, ConvUnit, MuxBlock
from .models import build_model, has_float_weights, units


def min_signed_bits(values) -> int:
    """Smallest two's complement width (>= 2, the format's minimum) holding every value."""
    m = max([0] + [v if v >= 0 else -v - 1 for v in values])
    return max(2, int(m).bit_length() + 1)


def _conv_to_builder(b, conv, kept_in, kept_out, name: str) -> int:
    """One QConv2d, restricted to the kept input/output channels."""
    spec = conv.quant.export_spec()
    enc = spec["encoding"]
    full_in = kept_in is None or len(kept_in) == conv.in_ch
    full_out = kept_out is None or len(kept_out) == conv.out_ch
    if enc in ("flexor", "ca"):
        if not (full_in and full_out):
            raise ValueError(f"{name}: {enc} weights cannot be pruned (their bits are shared)")
        shape = (conv.out_ch, conv.in_ch // conv.groups, conv.k, conv.k)
        common = dict(stride=conv.stride, padding=conv.padding, groups=conv.groups, name=name)
        if enc == "flexor":
            return b.conv_flexor(shape, spec["encrypted_bits"], spec["xor_matrix"],
                                 n_tap=spec["n_tap"], **common)
        return b.conv_ca(shape, rule=spec["rule"], seed=spec["seed"], **common)
    levels = conv.quant.hard_levels().to(torch.int64)
    if not full_in:
        if conv.groups != 1:
            raise ValueError(f"{name}: pruning the input of a grouped conv is not supported")
        levels = levels[:, kept_in]
    if not full_out:
        levels = levels[kept_out]
    return b.conv(levels.numpy(), stride=conv.stride, padding=conv.padding, groups=conv.groups,
                  encoding=enc, name=name)


def _unit_to_builder(b, unit: ConvUnit, kept_in, name: str):
    """conv(s) -> BSN -> activation; returns (tensor index, kept output channels)."""
    if int(unit.norm.phase) != 2:
        raise ValueError(f"{name}: not in BSN phase 2 (train with phase2 epochs, or convert)")
    kept_out = torch.nonzero(unit.mask > 0)[:, 0]
    n = len(unit.convs)
    for i, conv in enumerate(unit.convs):
        _conv_to_builder(b, conv, kept_in if i == 0 else None,
                         kept_out if i == n - 1 else None, f"{name}.conv{i}" if n > 1 else f"{name}.conv")
    shifts, biases = unit.norm.integer_params()
    shifts = [shifts[i] for i in kept_out.tolist()]
    biases = [biases[i] for i in kept_out.tolist()]
    if len(set(shifts)) == 1:
        shifts = shifts[:1]          # layer-shared: one 4-bit shift instead of one per channel
    if any(biases):
        b.bsn(shifts, biases, bias_bits=min_signed_bits(biases), name=f"{name}.bsn")
    else:
        b.bsn(shifts, name=f"{name}.bsn")
    act = unit.act
    t = b.act(act.kind, bits=act.bits, name=f"{name}.act")
    return t, kept_out


def build_nqe(model, name: str, task: str, class_names, input_hw=(32, 32), code_layout=None):
    """A ModelBuilder holding the integer model of ``model`` (BSN phase 2)."""
    from .model_format import ModelBuilder
    if has_float_weights(model):
        raise ValueError("a network with float32 weights (a distillation teacher) cannot be "
                         "exported: the engine is integer-only")
    b = ModelBuilder(name=name, task=task, input_hw=input_hw, offset=model.offset,
                     class_names=list(class_names), code_layout=code_layout)
    t, kept = 0, None
    for i, stage in enumerate(model.stages):
        label = f"s{i}"
        if isinstance(stage, ConvUnit):
            t, kept = _unit_to_builder(b, stage, kept, label)
        elif isinstance(stage, nn.MaxPool2d):
            t = b.max_pool(2, 2, name=f"{label}.pool")
        elif isinstance(stage, MuxBlock):
            if kept is not None and len(kept) != stage.out_ch:
                raise ValueError(f"{label}: the input of a MUX block cannot be pruned")
            skip = t
            t1, k1 = _unit_to_builder(b, stage.unit1, None, f"{label}.u1")
            t2, _ = _unit_to_builder(b, stage.unit2, k1, f"{label}.u2")
            t = b.mux(skip=skip, branch=t2, bits=stage.bits, name=f"{label}.mux")
            kept = None
        elif isinstance(stage, Classifier):
            _conv_to_builder(b, stage.conv, kept, None, f"{label}.conv")
            t = b.global_sum_pool(name=f"{label}.sum")
        else:
            raise TypeError(f"cannot export stage {type(stage).__name__}")
    return b


def load_trained(checkpoint: str | Path):
    """Model + config + history from a training checkpoint, ready to export (phase 2)."""
    ck = torch.load(checkpoint, map_location="cpu")
    cfg = ck["config"]
    model = build_model(cfg)
    if ck.get("phase", 2) == 2:
        for u in units(model):          # the phase-2 structure; its values come from the state
            u.norm.phase.fill_(2)
    model.load_state_dict(ck["model"])
    for q in model.quantizers():
        q.set_hard(True)
    model.eval()
    return model, cfg, ck


class TorchIntegerRunner:
    """Runs a *model file* (pb.Model) with torch ops, integer-exact: conv in float32 when the
    batch's worst-case partial sum is below 2^24, else float64 (partial sums are below 2^31,
    the loader's proof, far inside float64's 2^53); everything else on int64. It exists only for speed: the numpy reference takes ~0.3 s per CIFAR image
    on this shared CPU, this ~100x less, so the full test set can be scored. Its outputs are
    compared bit for bit with nqe.reference on a subset every time it is used (see
    integer_accuracy), so the accuracy reported is the reference's semantics."""

    def __init__(self, nqe_model):
        from .model_format.weights import unpack_levels
        from .reference.graph import layer_inputs
        self.model = nqe_model
        self.inputs = [layer_inputs(nqe_model, i) for i in range(len(nqe_model.layers))]
        self.levels = {}
        for i, layer in enumerate(nqe_model.layers):
            if layer.WhichOneof("op") == "conv2d":
                c = layer.conv2d
                shape = (c.out_channels, c.in_channels // c.groups, c.kernel_h, c.kernel_w)
                self.levels[i] = torch.from_numpy(unpack_levels(c.weights, shape).astype(np.float64))

    @torch.no_grad()
    def run(self, images_nchw_uint8: torch.Tensor) -> torch.Tensor:
        import torch.nn.functional as F
        from .model_format.proto import pb
        t = [images_nchw_uint8.to(torch.int64) - self.model.input.offset]
        for i, layer in enumerate(self.model.layers):
            x = [t[j] for j in self.inputs[i]]
            op = layer.WhichOneof("op")
            if op == "conv2d":
                c = layer.conv2d
                w = self.levels[i]
                # Exact in float32 when every partial sum is below 2^24 (fast oneDNN path);
                # otherwise float64 (exact below 2^53, but PyTorch's slow generic kernel).
                bound = float(w.abs().sum((1, 2, 3)).max()) * float(x[0].abs().max())
                dt = torch.float32 if bound < 2 ** 24 else torch.float64
                y = F.conv2d(x[0].to(dt), w.to(dt), None, c.stride, c.padding, 1, c.groups)
                y = y.round().to(torch.int64)
            elif op == "bsn":
                ch = x[0].shape[1]
                s = torch.tensor(list(layer.bsn.shifts), dtype=torch.int64).expand(ch).view(1, -1, 1, 1)
                bias = (torch.tensor(list(layer.bsn.biases), dtype=torch.int64).view(1, -1, 1, 1)
                        if len(layer.bsn.biases) else 0)
                v = x[0] + bias
                half = torch.where(s > 0, torch.ones_like(s) << (s - 1).clamp_min(0), torch.zeros_like(s))
                y = (v + half) >> s
            elif op == "activation":
                a = layer.activation
                if a.kind == pb.QRELU:
                    y = x[0].clamp(0, (1 << a.bits) - 1)
                elif a.kind == pb.HWMSB:
                    v = x[0]
                    y = torch.where(v >= 4, 4, torch.where(v >= 2, 2, v.clamp(0, 1)))
                else:
                    y = (x[0] > 0).to(torch.int64)
            elif op == "max_pool":
                y = F.max_pool2d(x[0].double(), layer.max_pool.kernel, layer.max_pool.stride).to(torch.int64)
            elif op == "global_sum_pool":
                y = x[0].sum((2, 3), keepdim=True)
            elif op == "mux_residual":
                k = layer.mux_residual.bits
                h, w = x[0].shape[2:]
                sel = 2 * x[0].sum((2, 3), keepdim=True) > h * w * ((1 << k) - 1)
                tot = x[0] + x[1]
                y = torch.where(sel, x[1], tot >> 1 if k > 1 else (tot + 1) >> 1)
            else:
                raise ValueError(f"layer {i}: unsupported op {op}")
            t.append(y)
        return t[-1]


def integer_logits(nqe_model, x_uint8_nchw: torch.Tensor, batch: int = 500) -> np.ndarray:
    """The exported file's integer logits (TorchIntegerRunner), images x classes."""
    runner = TorchIntegerRunner(nqe_model)
    return torch.cat([runner.run(x_uint8_nchw[i:i + batch]).flatten(1)
                      for i in range(0, len(x_uint8_nchw), batch)]).numpy()


def integer_accuracy(nqe_model, x_uint8_nchw: torch.Tensor, y: torch.Tensor,
                     reference_images: int = 100, batch: int = 500):
    """Accuracy of the exported file. All images go through TorchIntegerRunner; the first
    ``reference_images`` also through the numpy reference, and any difference is an error."""
    from .reference import Interpreter
    logits = integer_logits(nqe_model, x_uint8_nchw, batch)
    k = min(reference_images, len(y))
    ref = Interpreter(nqe_model, blas=True).run(x_uint8_nchw[:k].permute(0, 2, 3, 1).numpy())
    if not np.array_equal(ref.reshape(k, -1), logits[:k]):
        raise AssertionError("torch integer runner differs from nqe.reference")
    return float((logits.argmax(1) == y.numpy()).mean()), logits, k


@torch.no_grad()
def float_logits_int_units(model, x_uint8_nchw: torch.Tensor) -> np.ndarray:
    """The training model's logits before the loss temperature (fp32: integer-exact)."""
    head = model.stages[-1]
    feats = x_uint8_nchw.float() - model.offset
    for s in model.stages[:-1]:
        feats = s(feats)
    return head.conv(feats).sum((2, 3)).numpy()


def calibrate(nqe_model, data, test_logits: np.ndarray, test_labels: np.ndarray,
              images: int) -> dict:
    """Fits the probability scale on ``images`` random training images (never the test split)
    and stores it in the model (Model.logit_scale); returns the figures for the provenance."""
    from .calibration import expected_calibration_error, fit_logit_scale, mean_nll
    idx = torch.randperm(len(data.y_train), generator=torch.Generator().manual_seed(2))[:images]
    scale = fit_logit_scale(integer_logits(nqe_model, data.x_train[idx]), data.y_train[idx].numpy())
    nqe_model.logit_scale = scale
    scale = float(nqe_model.logit_scale)  # as stored (float32)
    return {"logit_scale": f"{scale:.6g}", "calibration_train_images": len(idx),
            "test_nll_unscaled": f"{mean_nll(test_logits, test_labels, 1.0):.4f}",
            "test_nll": f"{mean_nll(test_logits, test_labels, scale):.4f}",
            "test_ece_unscaled": f"{expected_calibration_error(test_logits, test_labels, 1.0):.4f}",
            "test_ece": f"{expected_calibration_error(test_logits, test_labels, scale):.4f}"}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--name", default=None, help="model name (default: the file stem)")
    p.add_argument("--int-eval", type=int, default=10000, help="test images run through the reference")
    add_data_arguments(p)
    p.add_argument("--command", default=None, help="training command stored in the provenance")
    p.add_argument("--result", default=None, help="write a JSON summary here")
    p.add_argument("--reference-images", type=int, default=100,
                   help="images also run through the numpy reference (must match bit for bit)")
    p.add_argument("--calibration-images", type=int, default=5000,
                   help="training images the probability scale (logit_scale) is fitted on "
                        "(0: leave it unset)")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)

    from .data import CLASS_NAMES, load_cifar10
    from .model_format import load_model, model_checksum
    from .reference.accounting import memory_report

    model, cfg, ck = load_trained(args.checkpoint)
    out = Path(args.out)
    name = args.name or out.stem
    data = load_cifar10(args.data, args.cache)
    n = min(args.int_eval, len(data.y_test))
    # The test files are sorted by class: a subset must be a class-mixed random one.
    idx = torch.randperm(len(data.y_test), generator=torch.Generator().manual_seed(1))[:n]
    x, y = data.x_test[idx], data.y_test[idx]
    b = build_nqe(model, name, cfg.get("task", "classify"), CLASS_NAMES)

    t0 = time.time()
    report = memory_report(b.model)
    int_acc, int_logits, n_ref = integer_accuracy(b.model, x, y, args.reference_images)
    eval_s = time.time() - t0
    # Cross-check: the exported integers equal the phase-2 training model's (fp32, exact).
    k = min(n, 200)
    float_int = float_logits_int_units(model, x[:k])
    mismatches = int((np.abs(float_int - int_logits[:k]) > 0).any(1).sum())
    calibration = {}
    if args.calibration_images > 0 and cfg.get("task", "classify") == "classify":
        calibration = calibrate(b.model, data, int_logits, y.numpy(), args.calibration_images)
    hist = ck.get("history", [])
    metrics = {"test_accuracy_integer": f"{int_acc:.4f}", "test_images": str(n),
               **{k: str(v) for k, v in calibration.items()},
               "train_epochs": str(len(hist)),
               "float_vs_integer_logit_mismatch_images": f"{mismatches}/{k}",
               "reference_checked_images": str(n_ref)}
    if hist:
        metrics["last_epoch_eval_accuracy_float"] = f"{hist[-1]['test_acc']:.4f}"
    notes = (f"config {cfg['name']} ({' <- '.join(cfg.get('_chain', []))}); integer accuracy of this "
             f"file on {n} CIFAR-10 test images (all through an integer torch runner checked "
             f"bit-exact against nqe.reference on {n_ref} of them)")
    checksum = b.save(out, provenance=dict(
        training_command=args.command or f"(checkpoint {args.checkpoint})",
        data=data.source, metrics=metrics, notes=notes))
    reloaded = load_model(out)
    assert model_checksum(reloaded) == checksum
    result = dict(path=str(out), checksum=checksum, int_accuracy=int_acc, int_eval_images=n,
                  param_bits=report["param_bits"], activation_bits=report["activation_bits"],
                  mismatch_images=mismatches, mismatch_checked=k, reference_checked=n_ref,
                  eval_seconds=eval_s, calibration=calibration,
                  layers=report["layers"])
    print(json.dumps({k: v for k, v in result.items() if k != "layers"}, indent=1))
    if args.result:
        Path(args.result).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
