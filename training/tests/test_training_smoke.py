"""Smoke test of the training package (CI, < 60 s on 2 cores): a tiny network trains a few
batches on a small real CIFAR-10 subset (synthetic stand-in when the data is absent), the loss
falls, BSN phase 2 runs, the .nqe export loads, and the exported file's integers equal both the
numpy reference's and the phase-2 training model's."""
import json

import numpy as np
import pytest
import torch

from nqe import train
from nqe.data import load_cifar10_small, synthetic_cifar10
from nqe.distill import Distiller
from nqe.export import TorchIntegerRunner, build_nqe, float_logits_int_units, load_trained
from nqe.model_format import load_model
from nqe.reference import Interpreter

TINY = {
    "extends": "base",
    "model": {
        "layers": [
            {"type": "conv", "out": 16, "weights": "first"},
            {"type": "maxpool"},
            {"type": "conv", "out": 24, "weights": "body"},
            {"type": "mux", "weights": "body"},
            {"type": "maxpool"},
            {"type": "conv", "out": 32, "weights": "body"},
            {"type": "maxpool"},
            {"type": "classifier", "weights": "head"}
        ]
    },
    "train": {"epochs": 3, "phase2_epochs": 1, "batch_size": 32, "lr": 0.004,
              "pct_start": 0.3, "prune": {"epoch": 2, "ratio": 0.25, "criterion": "l1"}}
}


@pytest.fixture(scope="module")
def small_data():
    try:
        return load_cifar10_small(40, 10)
    except FileNotFoundError as e:
        print(f"CIFAR-10 absent ({e}); using the synthetic stand-in")
        return synthetic_cifar10(400, 100)


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory, small_data):
    out = tmp_path_factory.mktemp("run")
    cfg_path = out / "tiny.json"
    cfg_path.write_text(json.dumps(TINY))  # "extends": "base" resolves through the zoo
    torch.manual_seed(0)
    rc = train.main(["--config", str(cfg_path), "--out", str(out), "--no-export",
                     "--max-batches", "12"], data=small_data)
    assert rc == 0 or rc is None
    return out


def test_loss_falls_and_phase2_runs(trained_run):
    hist = json.loads((trained_run / "log.json").read_text())["history"]
    assert [h["phase"] for h in hist] == [1, 1, 1, 2]
    assert hist[2]["loss"] < hist[0]["loss"], hist
    assert (trained_run / "curve.png").stat().st_size > 1000
    assert (trained_run / "checkpoint.pt").is_file()


def test_export_matches_reference_and_training_model(trained_run, small_data, tmp_path):
    model, cfg, _ = load_trained(trained_run / "checkpoint.pt")
    b = build_nqe(model, "tiny", "classify", [str(i) for i in range(10)])
    path = tmp_path / "tiny.nqe"
    b.save(path, provenance=dict(training_command="pytest", data=small_data.source))
    pb_model = load_model(path)
    assert pb_model.provenance.param_bits > 0
    x = small_data.x_test[:24]
    ref = Interpreter(pb_model).run(x.permute(0, 2, 3, 1).numpy()).reshape(len(x), -1)
    fast = TorchIntegerRunner(pb_model).run(x).flatten(1).numpy()
    trained = float_logits_int_units(model, x)
    np.testing.assert_array_equal(ref, fast)
    np.testing.assert_array_equal(ref, trained)
    # Pruning removed channels from the file: the pruned conv has fewer outputs.
    convs = [l.conv2d for l in pb_model.layers if l.WhichOneof("op") == "conv2d"]
    assert convs[0].out_channels == 12 and convs[1].in_channels == 12


def test_resume_continues(trained_run, small_data):
    before = json.loads((trained_run / "log.json").read_text())["history"]
    rc = train.main(["--config", str(trained_run / "tiny.json"), "--out", str(trained_run),
                     "--no-export", "--max-batches", "4", "--resume",
                     "--set", "train.phase2_epochs=2"], data=small_data)
    after = json.loads((trained_run / "log.json").read_text())["history"]
    assert len(after) == len(before) + 1 and after[-1]["phase"] == 2


FLOAT_TEACHER = {"extends": "base",  # TINY without the MUX block (it needs QReLU inputs)
                 "model": {"layers": [l for l in TINY["model"]["layers"] if l["type"] != "mux"],
                           "act": {"kind": "relu"},
                           "quant": {"first": "float", "body": "float", "head": "float"}},
                 "train": {"epochs": 2, "phase2_epochs": 0, "batch_size": 32}}


def test_float_teacher_is_not_exportable(tmp_path, small_data):
    cfg_path = tmp_path / "teacher.json"
    cfg_path.write_text(json.dumps(FLOAT_TEACHER))
    assert train.main(["--config", str(cfg_path), "--out", str(tmp_path), "--no-export",
                       "--max-batches", "3"], data=small_data) in (0, None)
    model, _, _ = load_trained(tmp_path / "checkpoint.pt")
    with pytest.raises(ValueError, match="float32"):
        build_nqe(model, "teacher", "classify", [str(i) for i in range(10)])


def test_distillation_warm_restart(trained_run, small_data, tmp_path):
    """A finished integer model fine-tuned again: --warm-restart restarts phase 2 once (a
    second resume continues it while unfinished, a finished restart is restarted again), and the
    distiller's state survives the checkpoint."""
    import shutil
    shutil.copy(trained_run / "checkpoint.pt", tmp_path / "checkpoint.pt")
    student = dict(TINY, train=dict(TINY["train"], phase2_epochs=2, distill={
        "teacher": str(trained_run / "checkpoint.pt"), "alpha": 0.5, "temperature": 2.0}))
    cfg_path = tmp_path / "student.json"
    cfg_path.write_text(json.dumps(student))
    args = ["--config", str(cfg_path), "--out", str(tmp_path), "--no-export", "--max-batches",
            "3", "--resume", "--warm-restart"]
    before = torch.load(trained_run / "checkpoint.pt")
    train.main(args + ["--set", "train.phase2_epochs=1"], data=small_data)
    ck = torch.load(tmp_path / "checkpoint.pt")
    first = ck["epoch"]
    assert first == before["epoch"] + 1 and ck["phase_first_epoch"] == first
    assert ck["warm_restart_epoch"] == first and ck["distiller"]["initialised"]
    assert np.isfinite(ck["history"][-1]["loss"])
    # As if launched with 2 epochs and stopped after 1 (e.g. by a session's end): resumed,
    # phase 2 continues, no second restart.
    ck["config"]["train"]["phase2_epochs"] = 2
    torch.save(ck, tmp_path / "checkpoint.pt")
    train.main(args, data=small_data)
    ck = torch.load(tmp_path / "checkpoint.pt")
    assert ck["epoch"] == first + 1 and ck["phase_first_epoch"] == first
    train.main(args, data=small_data)  # that restart has finished: the flag restarts it again
    ck = torch.load(tmp_path / "checkpoint.pt")
    assert ck["epoch"] == first + 3 and ck["phase_first_epoch"] == first + 2
    assert ck["warm_restart_epoch"] == first + 2
    # The learned scale belongs to its teacher: restored for the same one, fresh for another.
    same = Distiller(student["train"]["distill"], False, lambda x: x, lambda msg: None)
    assert same.load_state_dict(ck["distiller"])
    assert float(same.log_scale) == pytest.approx(ck["distiller"]["log_scale"])
    other = dict(ck["distiller"], teacher="models/checkpoints/another-teacher.pt")
    fresh = Distiller(student["train"]["distill"], False, lambda x: x, lambda msg: None)
    assert not fresh.load_state_dict(other) and float(fresh.log_scale) == 0.0


def test_teacher_ensemble_averages_its_members_logits(trained_run, small_data):
    """A list of teachers is one teacher whose logits are the mean of its members', and its
    name covers all of them (a scale learned against one member is not reused)."""
    path = str(trained_run / "checkpoint.pt")
    single = Distiller({"teacher": path}, False, train.to_input, lambda msg: None)
    pair = Distiller({"teacher": [path, path], "mirror": True}, False, train.to_input,
                     lambda msg: None)
    with torch.no_grad():  # make the members differ, so the mean is not either of them
        for p in pair.teacher.members[1].parameters():
            p.add_(0.05 * torch.randn_like(p))
    x = small_data.x_test[:16]
    a, b = (m(train.to_input(x)).float() for m in pair.teacher.members)
    a_m, b_m = (m(train.to_input(x.flip(3))).float() for m in pair.teacher.members)
    assert not torch.allclose(a, b)
    torch.testing.assert_close(pair.teacher_logits(x), (a + b + a_m + b_m) / 4)
    assert pair.teacher_path == f"{path} + {path}" and " + " in pair.teacher_name
    assert not pair.load_state_dict(single.state_dict())


def test_phase2_ends_with_the_weight_average(trained_run, small_data, tmp_path):
    """A warm restart of phase 2 with weight averaging: the epochs past the configured fraction
    are averaged, the checkpoint (what export reads) holds the average and its logged accuracy,
    and a later --resume does not average again."""
    import shutil
    shutil.copy(trained_run / "checkpoint.pt", tmp_path / "checkpoint.pt")
    args = ["--config", str(trained_run / "tiny.json"), "--out", str(tmp_path), "--no-export",
            "--max-batches", "3", "--resume", "--warm-restart", "--set", "train.phase2_epochs=3",
            "--set", "train.phase2_average_from=0.5", "--set", "train.phase2_lr_floor=0.5"]
    train.main(args, data=small_data)
    ck = torch.load(tmp_path / "checkpoint.pt")
    first = ck["phase_first_epoch"]
    assert ck["epoch"] == first + 2
    assert ck["averaged"]["epochs"] == ck["average"]["epochs"] == [first + 1, first + 2]
    for name, mean in ck["average"]["mean"].items():
        assert torch.equal(ck["model"][name], mean), name
    model = train.build_model(ck["config"])
    train.to_phase2(model, small_data, ck["config"], lambda msg: None)
    model.load_state_dict(ck["model"])
    idx = train.eval_subset(len(small_data.y_test), ck["config"]["train"]["eval_images"])
    acc = train.evaluate(model, small_data.x_test[idx], small_data.y_test[idx], bf16=False)
    assert acc == ck["averaged"]["test_acc"]
    log = json.loads((tmp_path / "log.json").read_text())
    assert log["average"]["epochs"] == [first + 1, first + 2]
    # Finished: resuming it (same configuration, no restart) does not average again.
    train.main([a for a in args if a != "--warm-restart"], data=small_data)
    again = torch.load(tmp_path / "checkpoint.pt")
    assert all(torch.equal(again["model"][k], v) for k, v in ck["model"].items())


def test_init_from_moves_pooling(trained_run, small_data, tmp_path):
    """--init-from starts a configuration whose pooling differs from the checkpoint's: the conv
    weights carry over stage by stage, the norms start afresh, the history continues and the
    new run goes through phase 1 and phase 2 again; a layer of another shape is refused."""
    from nqe.models import build_model, load_stage_weights, units
    from nqe.zoo import load_config
    convs = [l for l in TINY["model"]["layers"] if l["type"] != "maxpool"]
    pool = {"type": "maxpool"}
    layers = convs[:2] + [pool] + convs[2:3] + [pool, pool] + convs[3:]  # pooling moved
    moved = dict(TINY, model=dict(TINY["model"], layers=layers),
                 train=dict(TINY["train"], epochs=1, phase2_epochs=1, prune=None))
    cfg_path = tmp_path / "moved.json"
    cfg_path.write_text(json.dumps(moved))
    before = torch.load(trained_run / "checkpoint.pt")
    rc = train.main(["--config", str(cfg_path), "--out", str(tmp_path), "--no-export",
                     "--max-batches", "3", "--init-from", str(trained_run / "checkpoint.pt")],
                    data=small_data)
    assert rc in (0, None)
    new = torch.load(tmp_path / "checkpoint.pt")["history"][len(before["history"]):]
    assert [h["phase"] for h in new] == [1, 2]
    assert new[0]["epoch"] == before["epoch"] + 1 and new[0].get("restart")

    model = build_model(load_config(str(cfg_path)))
    load_stage_weights(model, before["model"])
    weights = lambda state: [v for k, v in state.items() if k.endswith("quant.weight")]
    assert all(torch.equal(a, b) for a, b in zip(weights(before["model"]),
                                                 weights(model.state_dict()), strict=True))
    assert all(int(u.norm.phase) == 1 for u in units(model))

    layers[0] = dict(layers[0], out=20)  # 16 in the checkpoint
    cfg_path.write_text(json.dumps(moved))
    with pytest.raises(ValueError, match="do not fit"):
        load_stage_weights(build_model(load_config(str(cfg_path))), before["model"])


def test_mirrored_teacher_averages_the_image_and_its_mirror(trained_run, small_data):
    spec = {"teacher": str(trained_run / "checkpoint.pt")}
    plain = Distiller(spec, False, train.to_input, lambda msg: None)
    mirrored = Distiller(dict(spec, mirror=True), False, train.to_input, lambda msg: None)
    xb = small_data.x_test[:8]
    both = (plain.teacher_logits(xb) + plain.teacher_logits(xb.flip(3))) / 2
    assert torch.allclose(mirrored.teacher_logits(xb), both)
    assert not torch.allclose(plain.teacher_logits(xb), both)


def test_switch_with_zero_point_and_reestimation_exports_exactly(small_data, tmp_path):
    """The BSN switch with train.bsn_bias=zero_point and train.bsn_reestimate (through a MUX
    block and a pruned unit): the run logs the re-estimation, and the exported integers equal
    the phase-2 training model's."""
    cfg_path = tmp_path / "tiny.json"
    cfg_path.write_text(json.dumps(TINY))
    torch.manual_seed(0)
    train.main(["--config", str(cfg_path), "--out", str(tmp_path), "--no-export",
                "--max-batches", "4", "--set", "train.bsn_bias=zero_point",
                "--set", "train.bsn_reestimate=1"], data=small_data)
    log = (tmp_path / "train.log").read_text()
    assert f"zero_point, statistics re-estimated on {min(500, len(small_data.y_train))} images" in log
    model, _, _ = load_trained(tmp_path / "checkpoint.pt")
    pb_model = build_nqe(model, "tiny", "classify", [str(i) for i in range(10)]).finish()
    x = small_data.x_test[:24]
    np.testing.assert_array_equal(TorchIntegerRunner(pb_model).run(x).flatten(1).numpy(),
                                  float_logits_int_units(model, x))


def test_resumed_time_budget_keeps_the_runs_pace(trained_run, small_data, tmp_path):
    """A time-budgeted phase resumed (as on another machine) counts its budget in steps at the
    median pace of its epochs so far, not on this session's clock: 40 s epochs in a 60 s budget
    leave room for exactly two more, however fast this machine runs them."""
    ck = torch.load(trained_run / "checkpoint.pt")
    ck["history"] = [dict(h, seconds=40.0 if h["phase"] == 2 else 999.0) for h in ck["history"]]
    ck["used_s"] = 0.0
    ck.pop("step_s", None)
    torch.save(ck, tmp_path / "checkpoint.pt")
    (tmp_path / "tiny.json").write_text(json.dumps(TINY))
    train.main(["--config", str(tmp_path / "tiny.json"), "--out", str(tmp_path), "--no-export",
                "--max-batches", "4", "--resume", "--set", "train.phase2_time_min=1"],
               data=small_data)
    after = torch.load(tmp_path / "checkpoint.pt")
    assert len(after["history"]) == len(ck["history"]) + 2
    assert after["step_s"] == pytest.approx(10.0)  # 40 s over 4 batches
    assert after["used_s"] == pytest.approx(80.0)
