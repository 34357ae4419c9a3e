"""Knowledge distillation from a float teacher (Hinton et al. 2015), configured as data:

  "train": {"distill": {"teacher": "runs/teacher-vgg-s/checkpoint.pt", "alpha": 0.9,
                        "temperature": 4.0, "mirror": false}}

loss = alpha * T^2 * KL(softmax(teacher / T) || softmax(s * student)) + (1 - alpha) * CE.

The teacher is any checkpoint of ``nqe.train`` (typically a float configuration such as
``teacher-vgg-s``: float weights, ReLU, float BN), run frozen in eval mode on the same augmented
batch as the student; with "mirror" its logits are the mean over the batch and its horizontal
mirror (a better target for one more teacher pass per batch). "teacher" may also be a list of
checkpoints: an ensemble whose logits are the mean of its members' (on the test set an ensemble
of two teachers scores above either). The student's logits are integer sums whose scale has
nothing to do with the teacher's, so the KL term compares them through a learned scalar s =
exp(log_scale) (initialised to match the spreads of the first batch, trained by its own small
optimiser): s changes no prediction, only how sharply the student's distribution is read.
Nothing of the distiller is exported.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .bf16 import autocast
from .export import load_trained


class TeacherEnsemble(nn.Module):
    """Frozen teachers read as one: the mean of their logits."""

    def __init__(self, members: list[nn.Module]):
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.stack([m(x).float() for m in self.members]).mean(0)


class Mirrored(nn.Module):
    """A model read over each image and its horizontal mirror: the mean of the two logits."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (self.model(x).float() + self.model(x.flip(3)).float()) / 2


def load_teacher(paths: list) -> tuple[nn.Module, list[dict]]:
    """One checkpoint's model, or the ensemble of several; eval mode. Also their checkpoints."""
    loaded = [load_trained(p) for p in paths]  # eval mode, phase-2 aware
    members = [model for model, _, _ in loaded]
    teacher = members[0] if len(members) == 1 else TeacherEnsemble(members).eval()
    return teacher, [ck for _, _, ck in loaded]


class Distiller:
    def __init__(self, spec: dict, bf16: bool, to_input, log_fn):
        paths = spec["teacher"] if isinstance(spec["teacher"], list) else [spec["teacher"]]
        self.teacher, cks = load_teacher(paths)
        for p in self.teacher.parameters():
            p.requires_grad_(False)
        # Names the teacher in the checkpoint: the learned scale belongs to it.
        self.teacher_path = " + ".join(map(str, paths))
        self.teacher_name = " + ".join(ck["config"].get("name", str(p))
                                       for ck, p in zip(cks, paths))
        self.alpha = float(spec.get("alpha", 0.9))
        self.temperature = float(spec.get("temperature", 4.0))
        self.mirror = bool(spec.get("mirror", False))
        self._targets = Mirrored(self.teacher) if self.mirror else self.teacher
        self.log_scale = nn.Parameter(torch.zeros(()))
        self._initialised = False
        self.opt = torch.optim.Adam([self.log_scale], lr=float(spec.get("scale_lr", 0.01)))
        self._bf16, self._to_input = bf16, to_input
        epochs = ", ".join(str(ck["epoch"] + 1) for ck in cks)
        log_fn(f"distillation from {self.teacher_path} ({self.teacher_name}, epoch "
               f"{epochs}): alpha {self.alpha}, temperature {self.temperature}"
               f"{', mirrored' if self.mirror else ''}")

    @torch.no_grad()
    def teacher_logits(self, xb: torch.Tensor) -> torch.Tensor:
        with autocast(self._bf16):
            return self._targets(self._to_input(xb)).float()

    def loss(self, xb: torch.Tensor, student_logits: torch.Tensor, hard_loss: torch.Tensor):
        t = self.teacher_logits(xb) / self.temperature
        s = student_logits.float()
        if not self._initialised:
            with torch.no_grad():
                self.log_scale.fill_(math.log(float(t.std()) / (float(s.std()) + 1e-6) + 1e-12))
            self._initialised = True
        kd = F.kl_div(F.log_softmax(s * self.log_scale.exp(), 1), F.log_softmax(t, 1),
                      reduction="batchmean", log_target=True)
        return self.alpha * self.temperature ** 2 * kd + (1 - self.alpha) * hard_loss

    def zero_grad(self) -> None:
        self.opt.zero_grad(set_to_none=True)

    def step(self) -> None:
        self.opt.step()

    def state_dict(self) -> dict:
        return {"log_scale": float(self.log_scale), "initialised": self._initialised,
                "teacher": self.teacher_path}

    def load_state_dict(self, state: dict) -> bool:
        """Restores the learned scale if it was learned against this teacher (returns whether
        it did): another teacher's logits have another spread, so its scale starts afresh."""
        if state.get("teacher") != self.teacher_path:
            return False
        with torch.no_grad():
            self.log_scale.fill_(state["log_scale"])
        self._initialised = state["initialised"]
        return True
