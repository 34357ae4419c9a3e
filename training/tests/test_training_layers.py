"""Unit tests of the quantisation-aware layers: each must compute, in training, the integers
the engine computes, and have the surrogate gradients the research prescribes."""
import numpy as np
import pytest
import torch

from nqe.export import TorchIntegerRunner, build_nqe
from nqe.layers import (HWMSB, FlexorQuantizer, Norm, QReLU, ResidualBlock, UniformQuantizer,
                        make_weight_quantizer)
from nqe.model_format.flexor import decrypt_levels
from nqe.models import build_model, has_float_weights, units
from nqe.models.budget import BUDGET_BITS, param_bits_estimate
from nqe.reference import Interpreter
from nqe.zoo import list_configs, load_config


def _population(levels):
    vals, counts = np.unique(levels.numpy(), return_counts=True)
    return dict(zip(vals.tolist(), (counts / counts.sum()).tolist()))


@pytest.mark.parametrize("lo,hi", [(-1, 1), (-2, 2)])
def test_histogram_equalised_step_balances_levels(lo, hi):
    torch.manual_seed(0)
    q = UniformQuantizer((64, 64, 3, 3), lo=lo, hi=hi, step="he")
    pop = _population(q.hard_levels())
    n = hi - lo + 1
    assert len(pop) == n
    assert max(pop.values()) - min(pop.values()) < 0.12, pop


def test_btq_step_is_sum_of_tertiles_and_fixed_step_stays():
    torch.manual_seed(0)
    q = UniformQuantizer((32, 32, 3, 3), step="btq")
    w = q.weight.detach().flatten()
    q1, q2 = torch.quantile(w, torch.tensor([1 / 3, 2 / 3]))
    assert float(q.step) == pytest.approx(float(q1.abs() + q2.abs()), rel=1e-5)
    f = UniformQuantizer((32, 32, 3, 3), step="fixed")
    s0 = float(f.step)
    with torch.no_grad():
        f.weight.mul_(3)
    f.update_step()
    assert float(f.step) == s0


def test_quantization_networks_soft_then_hard():
    torch.manual_seed(0)
    q = make_weight_quantizer({"kind": "uniform", "lo": -1, "hi": 1, "step": "he",
                               "soft": {"t0": 1.0, "t_rate": 10.0}}, (8, 8, 3, 3))
    q.train()
    q.set_epoch(0)
    soft0 = q.levels()
    assert not torch.equal(soft0, torch.round(soft0))            # a smooth staircase
    q.set_epoch(100)                                             # T = 1001: nearly the steps
    close = (q.levels() - q.hard_levels()).abs() < 0.02      # all but weights at a threshold
    assert close.float().mean() > 0.97
    q.eval()
    assert torch.equal(q.levels(), q.hard_levels())              # inference: hard steps
    soft0.sum().backward()
    assert q.weight.grad.abs().sum() > 0


def test_activation_values_and_ste():
    y = torch.tensor([-1.0, -0.4, 0.6, 1.5, 2.4, 3.6, 5.0, 9.0], requires_grad=True)
    q = QReLU(3)(y)
    assert q.tolist() == [0, 0, 1, 2, 2, 4, 5, 7]
    q.sum().backward()
    assert y.grad.tolist() == [0, 1, 1, 1, 1, 1, 1, 0]
    assert HWMSB()(torch.tensor([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 7.0])).tolist() == [0, 0, 1, 2, 2, 4, 4]


def test_qrelu_in_bf16_keeps_dtype_and_layout_and_matches_fp32():
    """Training runs QReLU on bf16 channels_last tensors; a cast to fp32 there cost more than
    the convolutions. Same values and gradients as in fp32, integers above 256 included."""
    torch.manual_seed(0)
    y = torch.randn(8, 16, 6, 6) * 6
    y.view(-1)[:100] = torch.arange(-50, 50) * 7.0
    y = y.bfloat16().contiguous(memory_format=torch.channels_last).requires_grad_(True)
    y32 = y.detach().float().requires_grad_(True)
    q, q32 = QReLU(3)(y), QReLU(3)(y32)
    assert q.dtype == torch.bfloat16 and q.is_contiguous(memory_format=torch.channels_last)
    assert torch.equal(q.float(), q32)
    g = torch.randn_like(q32)
    q.backward(g.bfloat16())
    q32.backward(g)
    assert torch.equal(y.grad.float(), g.bfloat16().float() * (y32.grad != 0))
    assert torch.equal(y.grad != 0, y32.grad != 0)


def test_bsn_phase2_is_engine_rounding():
    n = Norm(4)
    n.running_mean.copy_(torch.tensor([0.0, 10.0, -5.0, 3.0]))
    n.running_var.copy_(torch.tensor([100.0, 400.0, 16.0, 1.0]))
    flip = n.to_shift("channel", max_act=7)
    assert not flip.any()
    acc = torch.arange(-300, 300, dtype=torch.float32).view(1, 1, -1, 1).repeat(1, 4, 1, 1)
    out = n(acc)
    shifts, biases = n.integer_params()
    v = acc.to(torch.int64) + torch.tensor(biases).view(1, -1, 1, 1)
    s = torch.tensor(shifts).view(1, -1, 1, 1)
    expect = torch.where(s > 0, (v + (1 << (s - 1).clamp_min(0))) >> s, v)
    assert torch.equal(out.to(torch.int64), expect)


def test_zero_point_bias_keeps_the_sign_of_the_pre_activation():
    """bias="zero_point": (acc + B) / 2^s has the sign of the phase-1 a * acc + b wherever the
    phase-1 zero crossing -b/a is more than the bias rounding (1/2) away; "intercept" (the
    shipped rule) moves the crossing by b (2^s - 1/a) accumulator units."""
    torch.manual_seed(0)
    acc = torch.arange(-400, 400, dtype=torch.float32).view(1, 1, -1, 1).repeat(1, 8, 1, 1)
    moved = {}
    for rule in ("zero_point", "intercept"):
        n = Norm(8)
        n.running_var.copy_(torch.linspace(40.0, 900.0, 8))   # scales far from powers of two
        with torch.no_grad():
            n.bias.copy_(torch.linspace(-3.0, 3.0, 8))
        a, b = n.scale_and_bias()
        y1 = a.view(1, -1, 1, 1) * acc + b.view(1, -1, 1, 1)
        n.to_shift("channel", max_act=7, bias=rule)
        shift = torch.pow(2.0, -n.shift.float()).view(1, -1, 1, 1)
        y2 = (acc + n.int_bias.view(1, -1, 1, 1)) * shift
        far = (acc + (b / a).view(1, -1, 1, 1)).abs() > 0.5
        moved[rule] = int((torch.sign(y1) != torch.sign(y2))[far].sum())
    assert moved["zero_point"] == 0
    assert moved["intercept"] > 0
    with pytest.raises(ValueError, match="bias rule"):
        Norm(2).to_shift("channel", bias="offset")


def test_reestimated_statistics_are_those_of_the_converted_input():
    """After the units before it are frozen, re-estimation sets a unit's running mean and
    variance to the statistics of the input those frozen units now give it."""
    from nqe.train import reestimate_statistics, to_input
    torch.manual_seed(0)
    model = build_model(load_config("vgg-s")).eval()
    first, second = units(model)[:2]
    first.to_shift("channel")
    x = torch.randint(0, 256, (64, 3, 32, 32), dtype=torch.uint8)
    reestimate_statistics(model, second, x, bf16=False, batch=64)
    with torch.no_grad():
        h = x.float() - model.offset
        for s in model.stages:
            if s is second:
                break
            h = s(h)
        acc = second.convs[0](h)
    assert torch.allclose(second.norm.running_mean, acc.mean((0, 2, 3)), rtol=1e-4, atol=1e-3)
    assert torch.allclose(second.norm.running_var, acc.var((0, 2, 3)), rtol=1e-3)
    assert second.norm.momentum == 0.1 and not model.training


def test_negative_scale_is_folded_into_levels():
    """A channel whose BN scale is negative becomes a positive shift with negated levels."""
    torch.manual_seed(0)
    model = build_model(load_config("vgg-s")).eval()
    u = units(model)[1]
    with torch.no_grad():
        u.norm.weight[:5] *= -1
    levels_before = u.convs[0].quant.hard_levels().clone()
    u.to_shift("channel")
    after = u.convs[0].quant.hard_levels()
    assert torch.equal(after[:5], -levels_before[:5])
    assert torch.equal(after[5:], levels_before[5:])
    assert int(u.norm.phase) == 2 and (u.norm.shift >= 0).all()


def test_flexor_matches_engine_decryption_and_eq6_gradient():
    torch.manual_seed(0)
    q = FlexorQuantizer((6, 5, 3, 3), n_in=16, n_out=20, n_tap=2, s_tanh=10.0)
    lev = q.levels()
    spec = q.export_spec()
    engine = decrypt_levels(spec["encrypted_bits"], spec["xor_matrix"], (6, 5, 3, 3))
    assert np.array_equal(lev.detach().numpy().astype(np.int8), engine)
    # Eq. 6: d level[i, j] / d x[i, a] = S (1 - tanh^2(S x_a)) * (-1) * sign(x_b), taps {a, b}.
    i, j = 0, 3
    a, b = q.taps[j].tolist()
    flat = q.levels().flatten()
    flat[i * 20 + j].backward()
    x = q.encrypted.detach()
    expect = 10.0 * (1 - torch.tanh(10.0 * x[i, a]) ** 2) * -torch.sign(x[i, b])
    assert float(q.encrypted.grad[i, a]) == pytest.approx(float(expect), rel=1e-5)


def _export_and_compare(model, x):
    b = build_nqe(model, "t", "classify", [str(i) for i in range(10)])
    pb_model = b.finish()
    ref = Interpreter(pb_model).run(x.permute(0, 2, 3, 1).numpy()).reshape(len(x), -1)
    fast = TorchIntegerRunner(pb_model).run(x).flatten(1).numpy()
    head = model.stages[-1]
    with torch.no_grad():
        f = x.float() - model.offset
        for s in model.stages[:-1]:
            f = s(f)
        trained = head.conv(f).sum((2, 3)).numpy()
    np.testing.assert_array_equal(ref, fast)
    np.testing.assert_array_equal(ref, trained)
    return pb_model


@pytest.mark.parametrize("variant", ["cflog_flexor_hwmsb", "layer_shift_learned_scale"])
def test_variants_export_exactly(variant):
    """CFLOG (CA weights generated like the engine), a MUX block of two CFLOG units (MOGNET's
    MRB), FleXOR, HWMSB, learned-scale BSN and layer-shared shifts all export to files the
    reference runs to the training integers."""
    torch.manual_seed(0)
    if variant == "cflog_flexor_hwmsb":
        layers = [{"type": "conv", "out": 16, "weights": "first"},
                  {"type": "maxpool"},
                  {"type": "cflog", "out": 32, "latent": 16, "groups": 4,
                   "pointwise": "binary", "grouped": "ternary", "rule": 30, "seed": 7},
                  {"type": "mux", "latent": 16, "groups": 4, "pointwise": "binary",
                   "grouped": "ternary", "seed": 9},
                  {"type": "conv", "out": 20, "weights": "flexor_0.8", "act": {"kind": "hwmsb"}},
                  {"type": "maxpool"},
                  {"type": "classifier", "weights": "ternary_qn"}]
        overrides, mode = [], "channel"
    else:
        layers = [{"type": "conv", "out": 16, "weights": "int4"},
                  {"type": "maxpool"},
                  {"type": "conv", "out": 16, "weights": "ternary_btq"},
                  {"type": "mux", "weights": "ternary"},
                  {"type": "maxpool"},
                  {"type": "classifier", "weights": "binary"}]
        overrides, mode = ['model.norm={"kind": "bsn", "init_gain": 2.0, "init_bias": 1.5}'], "layer"
    cfg = load_config("base", overrides)
    cfg["model"]["layers"] = layers
    model = build_model(cfg)
    x = torch.randint(0, 256, (16, 3, 32, 32), dtype=torch.uint8)
    model.train()
    model(x)                                   # BN statistics / learned-scale data init
    from nqe.train import calibrate
    if mode == "layer":
        calibrate(model, x)
    for u in units(model):
        u.to_shift(mode)
    for q in model.quantizers():
        q.set_hard(True)
    model.eval()
    pb_model = _export_and_compare(model, x)
    ops = [l.WhichOneof("op") for l in pb_model.layers]
    assert "mux_residual" in ops
    if mode == "layer":
        assert all(len(l.bsn.shifts) == 1 for l in pb_model.layers if l.WhichOneof("op") == "bsn")


def test_zoo_configs_build_and_fit_the_budget():
    for name in list_configs():
        cfg = load_config(name)
        model = build_model(cfg)
        if has_float_weights(model):
            continue  # a float distillation teacher: never exported, no budget
        bits = param_bits_estimate(model)["param_bits"]
        assert bits <= BUDGET_BITS, (name, bits)


def test_residual_block_adds_its_input_and_is_not_exportable():
    """The plain residual add (float teachers) leaves the activation grid, so even with integer
    weights the exporter refuses it by name."""
    model = build_model(load_config("teacher-resnet9")).eval()
    block = next(s for s in model.stages if isinstance(s, ResidualBlock))
    x = torch.randn(2, block.unit1.convs[0].in_ch, 8, 8)
    assert torch.allclose(block(x), x + block.unit2(block.unit1(x)))
    integer = build_model(load_config("teacher-resnet9", [
        'model.quant={"first": "ternary", "body": "ternary", "head": "ternary"}',
        'model.act={"kind": "qrelu", "bits": 3}']))
    for u in units(integer):
        u.to_shift("channel")
    with pytest.raises(TypeError, match="ResidualBlock"):
        build_nqe(integer, "resnet", "classify", [str(i) for i in range(10)])
