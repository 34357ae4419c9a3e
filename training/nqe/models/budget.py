"""Parameter-memory estimate of a (training) network, by the storage rules of
docs/integer-semantics.md, so a configuration can be checked against the 1 Mbit budget before
it is trained. The exported file's figure (nqe.reference.accounting) is authoritative."""
from __future__ import annotations

import math

from ..layers import ConvUnit, QConv2d

BUDGET_BITS = 2 ** 20


def weight_bits(conv: QConv2d, out_ch: int | None = None, in_ch: int | None = None) -> int:
    o = conv.out_ch if out_ch is None else out_ch
    i = conv.in_ch if in_ch is None else in_ch
    count = o * (i // conv.groups) * conv.k * conv.k
    enc = conv.quant.export_spec()["encoding"]
    if enc == "ternary":
        return 8 * math.ceil(count / 5)
    if enc == "quinary":
        return 7 * math.ceil(count / 3)
    if enc == "binary":
        return count
    if enc.startswith("int"):
        return int(enc[3:]) * count
    if enc == "flexor":
        q = conv.quant
        return math.ceil(count / q.n_out) * q.n_in + q.n_out * q.n_in
    if enc == "ca":
        return 72
    if enc == "float32":   # a float teacher (not exportable)
        return 32 * count
    raise ValueError(enc)


def param_bits_estimate(model, bias_bits: int = 16) -> dict:
    rows, total = [], 0
    for name, m in model.named_modules():
        if isinstance(m, QConv2d):
            b = weight_bits(m)
            rows.append((name, m.quant.export_spec()["encoding"], b))
            total += b
        if isinstance(m, ConvUnit):
            b = m.out_ch * (4 + bias_bits)
            rows.append((name + ".bsn", "shift+bias", b))
            total += b
    return {"param_bits": total, "rows": rows, "budget": BUDGET_BITS}
