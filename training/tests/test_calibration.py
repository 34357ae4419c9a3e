"""Temperature scaling (nqe.calibration) finds the scale that generated the labels, and the
calibration error it reports drops when the scale is right."""
import numpy as np

from nqe.calibration import expected_calibration_error, fit_logit_scale, mean_nll


def sampled(true_scale: float, n: int = 20000, classes: int = 10, seed: int = 0):
    """Integer logits, and labels drawn from softmax(true_scale * logits): a model whose
    calibrated probabilities are known."""
    rng = np.random.default_rng(seed)
    logits = rng.integers(-300, 300, (n, classes))
    p = np.exp(true_scale * (logits - logits.max(1, keepdims=True)))
    p /= p.sum(1, keepdims=True)
    labels = np.array([rng.choice(classes, p=row) for row in p])
    return logits, labels


def test_recovers_the_generating_scale():
    logits, labels = sampled(0.02)
    fitted = fit_logit_scale(logits, labels)
    assert abs(fitted / 0.02 - 1) < 0.05, fitted
    # It is the minimum: a little either side is worse.
    assert mean_nll(logits, labels, fitted) < mean_nll(logits, labels, fitted * 1.2)
    assert mean_nll(logits, labels, fitted) < mean_nll(logits, labels, fitted / 1.2)


def test_calibration_error_small_at_the_fitted_scale_large_at_scale_one():
    logits, labels = sampled(0.02, seed=1)
    fitted = fit_logit_scale(logits, labels)
    assert expected_calibration_error(logits, labels, fitted) < 0.02
    assert expected_calibration_error(logits, labels, 1.0) > 0.2
