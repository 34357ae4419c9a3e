"""nqe.tools.ablate: which runs count as finished, and the table's deltas against controls."""
import json

from nqe.tools import ablate


def write_log(runs, name, accs, export_acc=None, phase2=2):
    hist = [dict(epoch=i, phase=1 if i < len(accs) - phase2 else 2, test_acc=a, seconds=60.0,
                 eval_images=2000) for i, a in enumerate(accs)]
    log = {"config": {"train": {"epochs": len(accs) - phase2, "phase2_epochs": phase2}},
           "history": hist}
    if export_acc is not None:
        log["export"] = {"int_accuracy": export_acc, "int_eval_images": 10000, "param_bits": 1000}
    (runs / name).mkdir(parents=True)
    (runs / name / "log.json").write_text(json.dumps(log))


def test_table_deltas_and_unfinished_runs(tmp_path):
    write_log(tmp_path, "base", [0.5, 0.6, 0.7], export_acc=0.70, phase2=1)
    write_log(tmp_path, "float-bn", [0.5, 0.6, 0.72], phase2=0)       # no export needed
    write_log(tmp_path, "step-fixed", [0.4, 0.5, 0.6], export_acc=0.65, phase2=1)
    write_log(tmp_path, "act2", [0.4, 0.5], phase2=0)                  # not exported: unfinished
    assert ablate.main(["--runs", str(tmp_path), "--table-only"]) == 0
    rows = {line.split(" | ")[0].strip("| "): line
            for line in (tmp_path / "table.md").read_text().splitlines()[2:]}
    assert set(rows) == {"base", "float-bn", "step-fixed"}
    # Deltas on the last epoch's subset accuracy; the exported figure is shown beside it.
    assert "+2.00 pt" in rows["float-bn"] and "float only" in rows["float-bn"]
    assert "-10.00 pt" in rows["step-fixed"] and "65.00 %" in rows["step-fixed"]
    assert "2+1" in rows["base"]
