"""The committed float teachers (distillation only, never exported) score what the model card
says on CIFAR-10, through the card's command (nqe.tools.eval_float), on a 1,000-image subset."""
import re
from pathlib import Path

import pytest

from nqe.tools import eval_float

REPO = Path(__file__).resolve().parents[2]
CIFAR = REPO.parent / "shared" / "data" / "cifar10"
# The card's 10,000-image figure minus 3 points: a 1,000-image subset has a standard error of
# about 1 point, so a sound checkpoint passes and a broken or untrained one (10 %) fails.
FLOORS = {"teacher-vgg-s.pt": 0.8455, "teacher-vgg-s-wide.pt": 0.8495, "teacher-resnet9.pt": 0.8620}
# The mirrored ensemble of the card's fifth phase-2 restart (90.63 % on 10,000; same margin).
ENSEMBLE = ("teacher-resnet9.pt", "teacher-vgg-s-wide.pt")
ENSEMBLE_FLOOR = 0.8763


def score(names, extra, capsys) -> float:
    args = [a for n in names for a in ("--checkpoint", str(REPO / "models" / "checkpoints" / n))]
    assert eval_float.main(args + extra + ["--data", str(CIFAR), "--images", "1000"]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    m = re.fullmatch(r"accuracy=([0-9.]+) images=1000", line)
    assert m, line
    return float(m.group(1))


@pytest.mark.skipif(not CIFAR.is_dir(), reason=f"{CIFAR} missing")
@pytest.mark.parametrize("name", sorted(FLOORS))
def test_teacher_accuracy(name, capsys):
    assert score([name], [], capsys) >= FLOORS[name]


@pytest.mark.skipif(not CIFAR.is_dir(), reason=f"{CIFAR} missing")
def test_mirrored_ensemble_accuracy(capsys):
    assert score(ENSEMBLE, ["--mirror"], capsys) >= ENSEMBLE_FLOOR


def test_every_committed_teacher_is_checked():
    committed = {p.name for p in (REPO / "models" / "checkpoints").glob("teacher-*.pt")}
    assert committed == set(FLOORS)
