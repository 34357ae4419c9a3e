"""The training-time estimate of the entropy coder's rate (nqe/codec/rate.py): its contexts are
the C++ coder's local ones (common/codes/entropy/code_context.cc), and it gives the encoder a gradient."""
import math

import pytest
import torch

from nqe.codec.config import load_config
from nqe.codec.model import Codec
from nqe.codec.rate import CONTEXTS_PER_CHANNEL, ContextRate, RateWeight, contexts
from nqe.codec.train import init_from, save_checkpoint


def coder_context(m, ch, y, x, side):
    """The local context of code_context.cc's CodeMap::ContextsOf, transcribed position by
    position (within the channel's 243 local contexts)."""
    c, h, w = m.shape

    def neighbour(cc, yy, xx):
        return 2 if cc < 0 or yy < 0 or xx < 0 else int(m[cc, yy, xx])

    left, above, previous = neighbour(ch, y, x - 1), neighbour(ch, y - 1, x), neighbour(ch - 1, y, x)
    previous2 = neighbour(ch - 2, y, x)
    right_known = y % side == 0 or x % side != side - 1
    above_right = neighbour(ch, y - 1, x + 1) if right_known and x + 1 < w else 2
    return ch * 243 + (((left * 3 + above) * 3 + previous) * 3 + above_right) * 3 + previous2


def test_contexts_are_the_coders():
    torch.manual_seed(0)
    side, code = 4, torch.randint(0, 2, (2, 3, 2 * 4, 3 * 4)).float()  # 2 frames of 2x3 patches
    got = contexts(code, side)
    for n in range(code.shape[0]):
        for ch in range(3):
            for y in range(8):
                for x in range(12):
                    assert int(got[n, ch, y, x]) == coder_context(code[n], ch, y, x, side), (n, ch, y, x)


def test_estimate_learns_a_predictable_code_and_reaches_the_bits():
    torch.manual_seed(0)
    # Channel 1 repeats channel 0, so given its previous channel each of its bits is free.
    first = torch.randint(0, 2, (8, 1, 8, 8)).float()
    code = torch.cat([first, first], 1)
    rate = ContextRate(2)
    opt = torch.optim.Adam(rate.parameters(), lr=0.05)
    assert math.isclose(float(rate(code, 4)), code.numel(), rel_tol=1e-5)  # p = 1/2: one bit each
    for _ in range(300):
        opt.zero_grad()
        rate(code, 4).backward()
        opt.step()
    with torch.no_grad():
        bits = float(rate(code, 4))
    assert bits < 0.6 * code.numel()  # ~1 bit for channel 0, ~0 for channel 1
    code.requires_grad_(True)
    rate(code, 4).backward()
    assert code.grad.abs().sum() > 0


def test_rate_weight_is_fixed_without_a_target():
    w = RateWeight(0.004)
    for estimate in (0.1, 0.5, 0.9):
        w.update(estimate)
    assert w.weight == 0.004


def test_rate_weight_settles_the_rate_at_its_target():
    """A closed loop with a code whose rate falls as the weight rises (as training's does):
    the weight is raised while the rate is over the target, lowered while under, and the rate
    ends within 1 % of the target from either side."""
    def rate_of(weight):
        return 0.22 - 0.02 * math.log(weight / 0.004)

    for start in (0.0002, 0.05):
        w = RateWeight(start, target=0.25)
        for _ in range(3000):
            w.update(rate_of(w.weight))
        assert abs(rate_of(w.weight) - 0.25) < 0.0025, start
    with pytest.raises(ValueError):
        RateWeight(0.0, target=0.25)


def test_grown_table_keeps_the_old_channels_entries():
    """--init-from carries the rate table over: a code grown by appending channels keeps its
    old channels' probabilities (contexts are numbered channel by channel), the new channels
    start at p = 1/2, and a table of another context layout is refused by its size."""
    small = ContextRate(3)
    small.logits.data.normal_()
    grown = ContextRate(5)
    assert grown.load_grown(small.logits.detach()) == 3
    n = 3 * CONTEXTS_PER_CHANNEL
    assert torch.equal(grown.logits[:n], small.logits[:n])
    assert bool((grown.logits[n:] == 0).all())
    same = ContextRate(3)
    assert same.load_grown(small.logits.detach()) == 3
    assert torch.equal(same.logits, small.logits)


def test_init_from_starts_the_rate_estimate_from_the_saved_table(tmp_path):
    config = load_config("codec-tiny")
    channels = config["encoder"][-1]["out"]
    saved = ContextRate(channels)
    saved.logits.data.normal_()
    state = {"step": 3, "model": Codec(config).state_dict(), "log": [], "config": config,
             "rate_model": saved.state_dict()}
    save_checkpoint(tmp_path / "a.pt", state)
    loaded = ContextRate(channels)
    init_from(Codec(config), tmp_path / "a.pt", rate_model=loaded)
    assert torch.equal(loaded.logits, saved.logits)
    # A table from before the contexts changed (another size per channel) is not taken over.
    state["rate_model"] = {"logits": torch.ones(channels * 81)}
    save_checkpoint(tmp_path / "b.pt", state)
    fresh = ContextRate(channels)
    init_from(Codec(config), tmp_path / "b.pt", rate_model=fresh)
    assert bool((fresh.logits == 0).all())
