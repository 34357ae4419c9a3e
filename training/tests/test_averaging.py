"""Phase-2 weight averaging (nqe/averaging.py) and the lr floor that feeds it."""
import pytest
import torch

from nqe.averaging import WeightAverage
from nqe.train import lr_factor


def _model():
    m = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    m[1].bias.requires_grad_(False)  # frozen parameters are not averaged
    return m


def test_average_is_the_mean_of_the_trainable_parameters_only():
    torch.manual_seed(0)
    model, avg, snaps = _model(), WeightAverage(), []
    for epoch in range(5, 8):
        for p in model.parameters():
            p.data.normal_()
        model[1].running_mean.normal_()
        snaps.append({k: v.clone() for k, v in model.state_dict().items()})
        avg.update(model, epoch)
    buffers = {k: v.clone() for k, v in model.state_dict().items() if "running" in k}
    frozen = model[1].bias.clone()
    avg.copy_to(model)
    for name in ("0.weight", "0.bias", "1.weight"):
        want = torch.stack([s[name] for s in snaps]).mean(0)
        assert torch.allclose(model.state_dict()[name], want, atol=1e-6), name
    assert torch.equal(model[1].bias, frozen)
    for k, v in buffers.items():
        assert torch.equal(model.state_dict()[k], v)
    assert avg.n == 3 and avg.epochs == [5, 6, 7]


def test_state_round_trip_continues_the_same_mean():
    torch.manual_seed(1)
    model, whole, halves = _model(), WeightAverage(), WeightAverage()
    for epoch in range(4):
        for p in model.parameters():
            p.data.normal_()
        whole.update(model, epoch)
        halves.update(model, epoch)
        if epoch == 1:  # as a checkpoint and --resume would
            state = halves.state_dict()
            halves = WeightAverage()
            halves.load_state_dict(state)
    for k in whole.mean:
        assert torch.allclose(whole.mean[k], halves.mean[k], atol=1e-6)
    assert halves.epochs == whole.epochs


@pytest.mark.parametrize("kind", ["cosine", "onecycle"])
def test_lr_floor_stops_the_decay(kind):
    assert lr_factor(1.0, kind, 0.15) < 0.01
    assert lr_factor(1.0, kind, 0.15, floor=0.3) == 0.3
    assert lr_factor(0.0, "cosine", 0.15, floor=0.3) > 1.0 - 1e-6
