"""tools/rd_report.py's same-photo comparison: ours and a baseline over only the photos the
baseline fits within its target, so that its hardest photos are never dropped from one side
only."""
import importlib.util
from pathlib import Path

SPEC = importlib.util.spec_from_file_location(
    "rd_report", Path(__file__).resolve().parents[1] / "rd_report.py")
rd_report = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(rd_report)


def row(name, bpp, psnr, fits="1"):
    return {"name": name, "bpp": str(bpp), "psnr": str(psnr), "within_budget": fits}


def test_same_images_leaves_out_what_the_baseline_cannot_fit_on_both_sides():
    baseline = {"_rows": [row("a", 0.24, 23.0), row("b", 0.22, 25.0), row("hard", 0.30, 18.0, "0")]}
    ours = [{"label": "nqe", "_rows": [row("a", 0.20, 26.0), row("hard", 0.35, 20.0),
                                       row("b", 0.22, 27.0)]}]
    got = rd_report.same_images(baseline, ours)
    assert got["images"] == 2
    assert abs(got["baseline"]["bpp"] - 0.23) < 1e-12 and got["baseline"]["psnr"] == 24.0
    assert abs(got["nqe"]["bpp"] - 0.21) < 1e-12 and got["nqe"]["psnr"] == 26.5


def test_same_images_of_a_run_that_fits_nothing_has_only_the_count():
    baseline = {"_rows": [row("a", 0.3, 20.0, "0")]}
    assert rd_report.same_images(baseline, [{"label": "nqe", "_rows": [row("a", 0.2, 25.0)]}]) \
        == {"images": 0}
