"""Weight quantisers. Each owns the trainable float proxy of one conv's weights and returns the
integer *levels* the engine multiplies by (the conv then accumulates in integer units; the
per-layer step only decides which proxy value becomes which level, the scale lives in the
following norm). Every quantiser is built from a data spec (see zoo/quantizers.json):

  {"kind": "uniform", "lo": -1, "hi": 1, "step": "he" | "btq" | "fixed", "soft": null | {...}}
      lo..hi integer levels with one step s per layer:
        "he"    histogram-equalised: s fitted (least squares) so that the thresholds
                (l + 1/2) s sit at the quantiles of |w| that make every level equally
                populated; recomputed at the start of every epoch (the 1 Mb encoder paper).
        "btq"   MOGNET balanced ternary: s = |q1| + |q2| from the signed tertiles (Eq. 6).
        "fixed" s = fixed_scale * std(w) at initialisation, never updated (ablation).
      "soft": Quantization Networks (Yang et al. 2019): during training the staircase is a sum
        of sigmoids sigma(T (w/s - threshold)) whose temperature T = t0 + t_rate * epoch rises;
        eval and export use the hard staircase.
  {"kind": "binary"}                 levels sign(w) (0 -> +1), clipped STE.
  {"kind": "flexor", "n_in": 16, "n_out": 20, "n_tap": 2, "s_tanh": 100, "seed": 0}
      FleXOR (Lee et al. 2020): trainable encrypted reals x, weights decrypted by a fixed XOR
      network: forward Eq. 2, backward Eq. 6.
  {"kind": "ca", "rule": 30, "seed": s}  fixed +-1 weights of a cellular automaton (CFLOG).
  {"kind": "float"}                  unquantised weights: a distillation teacher only, never
      exported (the engine has no float weights).
"""
from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from .ste import clipped_identity, round_half_up, ste


class WeightQuantizer(nn.Module):
    """Interface. ``levels()`` is what training convolves with; ``hard_levels()`` the integers
    exported; ``export_spec()`` how the model file stores them."""
    can_flip = True  # whether an output channel's levels can be negated (sign folding)
    max_level = 1    # the largest level the quantiser produces (binary, FleXOR, CA, float: ~1)

    def __init__(self, shape):
        super().__init__()
        self.shape = tuple(shape)

    def levels(self) -> torch.Tensor:
        raise NotImplementedError

    def hard_levels(self) -> torch.Tensor:
        return self.levels().detach()

    def update_step(self) -> None:
        """Called at the start of every epoch (histogram equalisation)."""

    def set_epoch(self, epoch: float) -> None:
        """Training progress in epochs (temperature schedules)."""

    def set_hard(self, hard: bool) -> None:
        """Force the hard quantiser in training too (BSN phase 2 must be exact)."""

    def flip_out_channels(self, flip: torch.Tensor) -> None:
        raise RuntimeError(f"{type(self).__name__} cannot negate output channels")

    def export_spec(self) -> dict:
        raise NotImplementedError


def _kaiming_proxy(shape) -> nn.Parameter:
    w = torch.empty(shape)
    nn.init.kaiming_normal_(w, nonlinearity="relu")
    return nn.Parameter(w)


class UniformQuantizer(WeightQuantizer):
    def __init__(self, shape, lo: int = -1, hi: int = 1, step: str = "he",
                 fixed_scale: float = 0.9, soft: dict | None = None, int_bits: int | None = None):
        super().__init__(shape)
        assert lo < 0 < hi
        self.lo, self.hi, self.step_mode = lo, hi, step
        self.int_bits = int_bits
        self.weight = _kaiming_proxy(shape)
        self.register_buffer("step", torch.ones(()))
        self.soft = soft
        self.temperature = float(soft["t0"]) if soft else math.inf
        self.hard = soft is None
        if step == "fixed":
            self.step.fill_(fixed_scale * float(self.weight.detach().std()))
        else:
            self.update_step()

    @property
    def max_level(self) -> int:
        return self.hi

    # --- step size -------------------------------------------------------------------------
    def _equalised_step(self, w: torch.Tensor) -> float:
        n = self.hi - self.lo + 1
        if -self.lo == self.hi:
            # Symmetric level set: equalise the histogram of |w| (levels 0, +-1, ... equally
            # populated): |level| <= j holds (2j+1)/n of the weights below threshold (j+1/2)s.
            a = w.abs()
            j = torch.arange(self.hi, dtype=torch.float32)
            q = torch.quantile(a, (2 * j + 1) / n)
            t = j + 0.5
        else:
            # Asymmetric (two's complement INT_K): signed quantiles, threshold l + 1/2 between
            # levels l and l + 1 holding the first (l - lo + 1)/n of the weights.
            l = torch.arange(self.lo, self.hi, dtype=torch.float32)
            q = torch.quantile(w, (l - self.lo + 1) / n)
            t = l + 0.5
        return float((t * q).sum() / (t * t).sum())   # least-squares fit of q ~ t * s

    @torch.no_grad()
    def update_step(self) -> None:
        w = self.weight.detach().float().flatten()
        if self.step_mode == "he":
            s = self._equalised_step(w)
        elif self.step_mode == "btq":
            q1, q2 = torch.quantile(w, torch.tensor([1 / 3, 2 / 3]))
            s = float(q1.abs() + q2.abs())
        elif self.step_mode == "fixed":
            return
        else:
            raise ValueError(f"unknown step mode {self.step_mode!r}")
        self.step.fill_(max(s, 1e-8))

    # --- forward ---------------------------------------------------------------------------
    def set_epoch(self, epoch: float) -> None:
        if self.soft:
            self.temperature = float(self.soft["t0"]) + float(self.soft["t_rate"]) * epoch

    def set_hard(self, hard: bool) -> None:
        self.hard = hard or self.soft is None

    def levels(self) -> torch.Tensor:
        u = self.weight / self.step
        if self.training and not self.hard:
            # Quantization Networks: a sum of unit sigmoids, one per threshold l + 1/2.
            th = torch.arange(self.lo, self.hi, dtype=u.dtype, device=u.device) + 0.5
            return self.lo + torch.sigmoid(self.temperature * (u.unsqueeze(-1) - th)).sum(-1)
        q = torch.clamp(round_half_up(u), self.lo, self.hi)
        return ste(q, clipped_identity(u, self.lo - 0.5, self.hi + 0.5))

    def hard_levels(self) -> torch.Tensor:
        u = self.weight.detach() / self.step
        return torch.clamp(round_half_up(u), self.lo, self.hi)

    @torch.no_grad()
    def flip_out_channels(self, flip: torch.Tensor) -> None:
        if self.lo != -self.hi:
            raise RuntimeError("an asymmetric level set cannot be negated")
        self.weight[flip] *= -1

    def export_spec(self) -> dict:
        if self.int_bits:
            return {"encoding": f"int{self.int_bits}"}
        names = {(-1, 1): "ternary", (-2, 2): "quinary"}
        if (self.lo, self.hi) not in names:
            raise ValueError(f"levels {self.lo}..{self.hi} have no storage encoding")
        return {"encoding": names[(self.lo, self.hi)]}

    def extra_repr(self) -> str:
        return f"levels={self.lo}..{self.hi}, step={self.step_mode}, soft={self.soft is not None}"


class BinaryQuantizer(WeightQuantizer):
    def __init__(self, shape):
        super().__init__(shape)
        self.weight = _kaiming_proxy(shape)
        self.register_buffer("step", torch.ones(()))
        self.update_step()

    @torch.no_grad()
    def update_step(self) -> None:
        # Only sets the STE clip range (|w| <= mean |w|): the levels do not depend on it.
        self.step.fill_(float(self.weight.detach().abs().mean()) + 1e-8)

    def levels(self) -> torch.Tensor:
        u = self.weight / self.step
        q = torch.where(u >= 0, torch.ones_like(u), -torch.ones_like(u))
        return ste(q, clipped_identity(u, -1.0, 1.0))

    @torch.no_grad()
    def flip_out_channels(self, flip: torch.Tensor) -> None:
        self.weight[flip] *= -1

    def export_spec(self) -> dict:
        return {"encoding": "binary"}


class _FlexorDecrypt(torch.autograd.Function):
    """levels[i, j] = (-1)^(n_tap-1) prod_t sign(x[i, taps[j, t]])  (Eq. 2; bit 1 <=> +1, so the
    XOR of bits is -(u1 u2) in the +-1 domain); backward Eq. 6: the other taps are taken as
    their signs and the tapped input contributes S (1 - tanh^2(S x))."""

    @staticmethod
    def forward(ctx, x, taps, s_tanh):
        u = torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))
        g = u[:, taps]                                   # slices x n_out x n_tap
        sign = -1.0 if taps.shape[1] % 2 == 0 else 1.0
        lev = sign * g.prod(-1)
        ctx.save_for_backward(x, taps, g, lev)
        ctx.s_tanh = s_tanh
        return lev

    @staticmethod
    def backward(ctx, grad):
        x, taps, g, lev = ctx.saved_tensors
        s = ctx.s_tanh
        dx_local = s * (1 - torch.tanh(s * x) ** 2)     # slices x n_in
        gx = torch.zeros_like(x)
        for t in range(taps.shape[1]):
            # prod over the other taps = lev * g_t (g_t = +-1)
            other = grad * lev * g[..., t]               # slices x n_out
            gx.index_add_(1, taps[:, t], other)
        return gx * dx_local, None, None


class FlexorQuantizer(WeightQuantizer):
    can_flip = False  # the levels of one channel are tied to other channels' by the XOR network

    def __init__(self, shape, n_in: int = 16, n_out: int = 20, n_tap: int = 2,
                 s_tanh: float = 100.0, seed: int = 0, init_std: float = 0.01):
        super().__init__(shape)
        self.n_in, self.n_out, self.n_tap, self.s_tanh = n_in, n_out, n_tap, s_tanh
        self.count = int(np.prod(shape))
        n_slices = -(-self.count // n_out)
        self.encrypted = nn.Parameter(torch.randn(n_slices, n_in) * init_std)
        from nqe.model_format.flexor import random_xor_matrix  # the engine's own XOR network rule
        m = random_xor_matrix(n_out, n_in, n_tap, np.random.default_rng(seed))
        self.register_buffer("xor_matrix", torch.from_numpy(m))
        taps = torch.stack([torch.nonzero(torch.from_numpy(m[j]))[:, 0] for j in range(n_out)])
        self.register_buffer("taps", taps)               # n_out x n_tap input indices

    def levels(self) -> torch.Tensor:
        lev = _FlexorDecrypt.apply(self.encrypted, self.taps, self.s_tanh)
        return lev.flatten()[:self.count].reshape(self.shape)

    def encrypted_bits(self) -> np.ndarray:
        return (self.encrypted.detach() >= 0).flatten().to(torch.uint8).numpy()

    def export_spec(self) -> dict:
        return {"encoding": "flexor", "encrypted_bits": self.encrypted_bits(),
                "xor_matrix": self.xor_matrix.numpy().astype(np.uint8), "n_tap": self.n_tap}


class CAQuantizer(WeightQuantizer):
    """Fixed +-1 weights generated by an elementary cellular automaton, exactly as the engine
    generates them (nqe.model_format.cellular_automaton), so nothing is trained or stored but
    the rule and the seed."""
    can_flip = False

    def __init__(self, shape, rule: int = 30, seed: int = 1):
        super().__init__(shape)
        from nqe.model_format.cellular_automaton import ca_levels
        self.rule, self.seed = int(rule), int(seed)
        lev = np.asarray(ca_levels(self.shape, self.rule, self.seed), dtype=np.float32)
        self.register_buffer("fixed", torch.from_numpy(lev).reshape(self.shape))

    def levels(self) -> torch.Tensor:
        return self.fixed

    def export_spec(self) -> dict:
        return {"encoding": "ca", "rule": self.rule, "seed": self.seed}


class FloatWeights(WeightQuantizer):
    """The proxy itself: for float teachers (train.distill), which are never exported."""

    def __init__(self, shape):
        super().__init__(shape)
        self.weight = _kaiming_proxy(shape)

    def levels(self) -> torch.Tensor:
        return self.weight

    @torch.no_grad()
    def flip_out_channels(self, flip: torch.Tensor) -> None:
        self.weight[flip] *= -1

    def export_spec(self) -> dict:
        # Counted at 32 bits by the budget estimate; the model format rejects the encoding.
        return {"encoding": "float32"}


def make_weight_quantizer(spec: dict, shape) -> WeightQuantizer:
    spec = dict(spec)
    kind = spec.pop("kind")
    spec.pop("name", None)
    if kind == "uniform":
        return UniformQuantizer(shape, **spec)
    if kind == "int":
        bits = int(spec.pop("bits"))
        return UniformQuantizer(shape, lo=-2 ** (bits - 1), hi=2 ** (bits - 1) - 1,
                                int_bits=bits, **spec)
    if kind == "binary":
        return BinaryQuantizer(shape)
    if kind == "flexor":
        return FlexorQuantizer(shape, **spec)
    if kind == "ca":
        return CAQuantizer(shape, **spec)
    if kind == "float":
        return FloatWeights(shape)
    raise ValueError(f"unknown weight quantiser kind {kind!r}")
