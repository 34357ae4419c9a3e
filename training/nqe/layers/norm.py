"""Normalisation: float BatchNorm / learned-scale BSN (phase 1) and Bit-Shift Normalisation
with frozen power-of-two shifts (phase 2).

Phase 1 (spec "kind"):
  "bn"   BatchNorm with batch statistics (the float-BN option; also a robust phase 1 whose
         running statistics are folded into shifts for phase 2).
  "bsn"  the research's BSN phase 1: y = a_c * acc + b_c with a learned positive per-channel
         scale a_c = exp(log_a) (no batch statistics), data-initialised on the first batch so
         y starts at zero mean and ``init_gain`` standard deviation.
Phase 2 (``to_shift``): out = floor((acc + B_c) / 2^s_c + 1/2), s_c in 0..15 frozen, integer
biases B_c = round(b_c 2^s_c) trained through a straight-through round. This is exactly the
engine's BitShiftNorm, so the exported model computes what phase-2 training computes.
Shifts are per channel ("channel", allowed by the file format, 4 bits each) or layer-shared
("layer", the research's choice) from the 0.9-quantile of the calibration pre-activations.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .ste import round_ste

MAX_SHIFT = 15


class Norm(nn.Module):
    def __init__(self, channels: int, kind: str = "bn", init_gain: float = 2.0,
                 init_bias: float = 0.5, positive_scale: bool = False, eps: float = 1e-5):
        super().__init__()
        self.channels, self.kind, self.eps = channels, kind, eps
        # positive_scale: the preceding conv cannot negate a channel (FleXOR, CA weights), so a
        # negative scale could not be folded into its levels at phase 2; keep it >= 0.
        self.positive_scale = positive_scale
        self.init_gain = init_gain
        self.weight = nn.Parameter(torch.full((channels,), init_gain))  # BN gamma
        self.bias = nn.Parameter(torch.full((channels,), init_bias))    # BN beta / BSN b
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))
        self.register_buffer("initialised", torch.tensor(kind != "bsn"))
        self.register_buffer("phase", torch.tensor(1))
        self.register_buffer("shift", torch.zeros(channels, dtype=torch.long))
        self.int_bias = nn.Parameter(torch.zeros(channels))              # phase 2 (acc units)
        self.calib_quantile: float | None = None
        self.momentum = 0.1   # of the running statistics (float BN)
        if kind == "bsn":   # phase-1 log-scale: trained for "bsn", unused (a buffer) for "bn"
            self.log_a = nn.Parameter(torch.zeros(channels))
        else:
            self.register_buffer("log_a", torch.zeros(channels))

    # --- phase 1 ------------------------------------------------------------------------------
    def _gamma(self) -> torch.Tensor:
        return self.weight.abs() if self.positive_scale else self.weight

    @torch.no_grad()
    def _data_init(self, acc: torch.Tensor) -> None:
        """First batch of a "bsn" layer: start like BN would (zero mean, init_gain std)."""
        mean = acc.float().mean((0, 2, 3))
        std = acc.float().std((0, 2, 3)) + self.eps
        self.log_a.copy_(torch.log(self.init_gain / std))
        self.bias.copy_(-mean * self.init_gain / std + self.bias)
        self.initialised.fill_(True)

    def scale_and_bias(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The phase-1 affine map y = a * acc + b as (a, b) per channel (BN: running stats)."""
        if self.kind == "bn":
            a = self._gamma() / torch.sqrt(self.running_var + self.eps)
            return a, self.bias - self.running_mean * a
        return torch.exp(self.log_a), self.bias

    def _phase1(self, acc: torch.Tensor) -> torch.Tensor:
        if self.kind == "bn":
            # Statistics in fp32 even under bf16 autocast (batch_norm autocasts to fp32).
            return F.batch_norm(acc, self.running_mean, self.running_var, self._gamma(),
                                self.bias, self.training, self.momentum, self.eps)
        if not bool(self.initialised):
            self._data_init(acc)
        a = torch.exp(self.log_a).view(1, -1, 1, 1)
        return acc.float() * a + self.bias.view(1, -1, 1, 1)

    # --- phase 2 ------------------------------------------------------------------------------
    def _phase2(self, acc: torch.Tensor) -> torch.Tensor:
        inv = torch.pow(2.0, -self.shift.float()).view(1, -1, 1, 1)
        b = round_ste(self.int_bias).view(1, -1, 1, 1)
        return round_ste((acc.float() + b) * inv)

    def forward(self, acc: torch.Tensor) -> torch.Tensor:
        if self.calib_quantile is not None:
            self._record_calibration(acc)
        return self._phase1(acc) if int(self.phase) == 1 else self._phase2(acc)

    @torch.no_grad()
    def _record_calibration(self, acc: torch.Tensor) -> None:
        a, b = self.scale_and_bias()
        pre = acc.float() + (b / a).view(1, -1, 1, 1)  # pre-activation in accumulator units
        sample = pre.flatten()[torch.randperm(pre.numel())[:1_000_000]]
        self.calibration = float(torch.quantile(sample.abs(), self.calib_quantile))

    @torch.no_grad()
    def to_shift(self, mode: str = "channel", max_act: int = 7, bias: str = "intercept") -> torch.Tensor:
        """Freeze phase 1 into shifts and integer biases. Returns the boolean mask of channels
        whose scale was negative: the caller negates those channels' weight levels (the
        phase-1 map a*acc+b with a < 0 equals |a|*(-acc)+b).

        ``bias`` says what the rounding of a to 2^-s keeps for per-channel shifts: "intercept"
        keeps b (B = b 2^s, the output offset), "zero_point" keeps where the pre-activation
        crosses zero (B = b / a: the output becomes (2^-s / a) times the phase-1 one, so the
        activation's threshold is exact and only its slope is off, by at most sqrt(2))."""
        a, b = self.scale_and_bias()
        flip = a < 0
        a = a.abs().clamp_min(2.0 ** -MAX_SHIFT)
        if mode == "channel":
            s = torch.round(-torch.log2(a))
        elif mode == "layer":
            # The research: one shift per layer such that the 0.9-quantile of the
            # pre-activations maps to the largest activation value.
            q = getattr(self, "calibration", None)
            if q is None:
                raise RuntimeError("layer-shared BSN needs a calibration pass (calibrate())")
            s = torch.full_like(a, round(math.log2(max(q, 1.0) / max_act)))
        else:
            raise ValueError(f"unknown shift mode {mode!r}")
        s = s.clamp(0, MAX_SHIFT)
        self.shift.copy_(s.long())
        # The bias in accumulator units. Layer-shared shifts always keep the zero point (b / a).
        if bias not in ("intercept", "zero_point"):
            raise ValueError(f"unknown BSN bias rule {bias!r} (intercept or zero_point)")
        a_used = torch.pow(2.0, -s) if mode == "channel" and bias == "intercept" else a
        self.int_bias.copy_(torch.round(b / a_used))
        self.phase.fill_(2)
        self.shift_mode = mode
        return flip

    def integer_params(self) -> tuple[list[int], list[int]]:
        """(shifts, biases) as the engine stores them."""
        shifts = [int(v) for v in self.shift.tolist()]
        biases = [int(v) for v in torch.floor(self.int_bias.detach() + 0.5).tolist()]
        return shifts, biases

    def extra_repr(self) -> str:
        return f"{self.channels}, kind={self.kind}, phase={int(self.phase)}"
