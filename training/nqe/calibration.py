"""Probability calibration of a classifier's integer logits (temperature scaling, Guo et al.
2017, "On Calibration of Modern Neural Networks").

The integer logits' unit is whatever the BSN shifts left it at, so softmax(logits) is far too
confident (a few logit units are a large fraction of a point of accuracy). One scale s, fitted
to minimise the negative log-likelihood of softmax(s * logits) on training images, turns them
into probabilities; it does not change the argmax. The export stores s in the model file
(Model.logit_scale) and the edge's Classify applies it.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def mean_nll(logits: np.ndarray, labels: np.ndarray, scale: float) -> float:
    """Mean negative log-likelihood of softmax(scale * logits) at the true labels."""
    z = torch.from_numpy(np.asarray(logits, dtype=np.float64)) * scale
    return float(F.cross_entropy(z, torch.from_numpy(np.asarray(labels, dtype=np.int64))))


def fit_logit_scale(logits: np.ndarray, labels: np.ndarray, lo: float = 1e-5,
                    hi: float = 10.0, iterations: int = 80) -> float:
    """The scale in [lo, hi] minimising mean_nll. The NLL is convex in the scale (log-sum-exp
    of a linear function minus a linear term), so a golden-section search over log(scale)
    finds it; 80 iterations narrow the bracket to ~1e-16 of its width."""
    a, b = np.log(lo), np.log(hi)
    ratio = (np.sqrt(5) - 1) / 2
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = mean_nll(logits, labels, np.exp(c)), mean_nll(logits, labels, np.exp(d))
    for _ in range(iterations):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = mean_nll(logits, labels, np.exp(c))
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = mean_nll(logits, labels, np.exp(d))
    return float(np.exp((a + b) / 2))


def expected_calibration_error(logits: np.ndarray, labels: np.ndarray, scale: float,
                               bins: int = 15) -> float:
    """ECE: |accuracy - mean confidence| per confidence bin of the top class, weighted by the
    bin's share of the images."""
    z = torch.from_numpy(np.asarray(logits, dtype=np.float64)) * scale
    confidence, predicted = F.softmax(z, dim=1).max(1)
    correct = (predicted.numpy() == np.asarray(labels)).astype(np.float64)
    confidence = confidence.numpy()
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    ece = 0.0
    for k in range(bins):
        in_bin = which == k
        if in_bin.any():
            ece += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(ece)
