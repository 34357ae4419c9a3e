"""Weight averaging over the end of BSN phase 2 (stochastic weight averaging, Izmailov et al.
2018; SWALP, Yang et al. 2019, shows it works for low-precision training).

The running mean of the trainable tensors (latent float weights, integer-bias proxies, norm
scales) taken at the end of each averaged epoch replaces the model's when the phase ends; the
quantisers then round the averaged latent weights as they round any others. Phase 2 needs no
re-estimation afterwards: its shifts and quantiser steps are frozen buffers, the same in every
snapshot, and there are no running statistics left to recompute.
"""
from __future__ import annotations

import torch


class WeightAverage:
    def __init__(self):
        self.mean: dict[str, torch.Tensor] = {}
        self.epochs: list[int] = []  # the epochs averaged, for the log

    @property
    def n(self) -> int:
        return len(self.epochs)

    @torch.no_grad()
    def update(self, model: torch.nn.Module, epoch: int) -> None:
        self.epochs.append(epoch)
        for name, p in model.named_parameters():
            if not p.requires_grad:
                continue
            if name not in self.mean:
                self.mean[name] = p.detach().clone()
            else:
                self.mean[name] += (p.detach() - self.mean[name]) / self.n

    @torch.no_grad()
    def copy_to(self, model: torch.nn.Module) -> None:
        params = dict(model.named_parameters())
        for name, m in self.mean.items():
            params[name].copy_(m)

    def state_dict(self) -> dict:
        return {"mean": self.mean, "epochs": self.epochs}

    def load_state_dict(self, state: dict) -> None:
        self.mean, self.epochs = dict(state["mean"]), list(state["epochs"])
