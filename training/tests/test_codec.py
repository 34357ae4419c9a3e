"""Codec smoke test: a tiny codec trains a few steps, exports, and the exported pieces agree
with PyTorch (integer encoder bit for bit; ONNX decoder in OpenCV DNN to float tolerance)."""
import os
from pathlib import Path

import numpy as np
import pytest
import torch

from nqe.codec import code_grid
from nqe.codec.config import load_config
from nqe.codec.model import Codec
from nqe.codec.train import freeze_bsn, parse_args, train
from nqe.model_format import load_model
from nqe.reference import Interpreter

DATA = Path(os.environ.get("NQE_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))


def test_code_grid_round_trip():
    images = torch.arange(2 * 3 * 64 * 96).reshape(2, 3, 64, 96)
    patches = code_grid.to_patches(images, 32)
    assert patches.shape == (12, 3, 32, 32)
    assert torch.equal(patches[1], images[0, :, 0:32, 32:64])  # row-major patch order
    assert torch.equal(code_grid.tile_codes(patches, 2, 2, 3), images)


def test_padding_replicates_edges():
    x = torch.arange(12, dtype=torch.uint8).reshape(1, 1, 3, 4)
    padded = code_grid.pad_to_multiple(x, 4)
    assert padded.shape == (1, 1, 4, 4)
    assert torch.equal(padded[0, 0, 3], x[0, 0, 2])


@pytest.mark.skipif(not (DATA / "photos" / "train").is_dir(),
                    reason=f"photos not found under {DATA} (set NQE_DATA)")
def test_tiny_codec_trains_and_exports(tmp_path):
    args = parse_args(["--config", "codec-tiny", "--steps", "40", "--batch", "4", "--crop", "64",
                       "--lr", "3e-3", "--log-every", "10", "--val-every", "40", "--val-images", "1",
                       "--train-dir", str(DATA / "photos/train"), "--val-dir", str(DATA / "photos/val"),
                       "--rate", "0.01", "--rate-target", "0.1", "--out", str(tmp_path)])
    result = train(args)
    log = result["log"]
    assert log[-1]["loss"] < log[0]["loss"], "loss did not fall"
    # The coded-size estimate starts at one bit per code bit (0.25 bpp) and can only learn down.
    assert 0 < log[-1]["coded_bpp"] < 0.25 and 0 < log[-1]["val_coded_bpp"]
    # Spending more than the target, the rate weight was raised from its start (--rate).
    assert log[-1]["coded_bpp"] > 0.1 and log[-1]["rate_weight"] > 0.01

    from nqe.codec.export import export_decoder, export_encoder
    codec = result["codec"].eval()
    export_encoder(codec, result["config"], tmp_path / "enc.nqe", {"training_command": "test"})
    export_decoder(codec, tmp_path / "dec.onnx")

    patches = torch.randint(0, 256, (6, 3, 32, 32), dtype=torch.uint8)
    with torch.no_grad():
        torch_bits = codec.encoder(patches.float()).numpy()
    int_bits = Interpreter(load_model(tmp_path / "enc.nqe")).run(
        patches.permute(0, 2, 3, 1).contiguous().numpy())
    np.testing.assert_array_equal(torch_bits, int_bits)

    import cv2
    net = cv2.dnn.readNetFromONNX(str(tmp_path / "dec.onnx"))
    codes = np.sign(np.random.default_rng(0).standard_normal((1, 16, 12, 20))).astype(np.float32)
    net.setInput(codes)
    with torch.no_grad():
        expected = codec.decoder.float()(torch.from_numpy(codes)).numpy()
    np.testing.assert_allclose(net.forward(), expected, atol=1e-4)


def test_zoo_configs_have_the_documented_bitrates():
    for name, bpp in (("codec-0.125bpp", 0.125), ("codec-0.25bpp", 0.25), ("codec-0.5bpp", 0.5),
                      ("codec-0.25bpp-deep", 0.25), ("codec-0.25bpp-2x2", 0.25),
                      ("codec-0.3125bpp-deep", 0.3125), ("codec-0.34375bpp-deep", 0.34375),
                      ("codec-0.34375bpp-deeper", 0.34375),
                      ("codec-0.359375bpp-deeper", 0.359375),
                      ("codec-0.4375bpp-deeper-rate", 0.4375)):
        enc = Codec(load_config(name)).encoder
        assert enc.bits_per_patch / enc.patch ** 2 == bpp


def test_bsn_freeze_keeps_the_encoder_exact():
    torch.manual_seed(0)
    codec = Codec(load_config("codec-tiny"))
    codec(torch.randint(0, 256, (2, 3, 64, 64), dtype=torch.uint8))  # BN statistics
    freeze_bsn(codec)
    codec.eval()
    assert all(int(m.phase) == 2 for m in codec.encoder.modules() if hasattr(m, "phase"))


def small_trained_codec(images):
    """The tiny codec with non-trivial decoder weights everywhere, BN statistics from `images`
    and BSN frozen: what a grown codec starts from."""
    torch.manual_seed(0)
    config = load_config("codec-tiny")
    codec = Codec(config)
    for p in codec.decoder.parameters():
        p.data.normal_(0, 0.1)
    codec(images)  # BN statistics
    freeze_bsn(codec)
    return codec, config


def test_grown_decoder_starts_where_the_smaller_one_was(tmp_path):
    """--init-from: a decoder with more residual blocks, loaded from a smaller one's checkpoint,
    computes the same frame; its new blocks then train (they are identities, not frozen)."""
    from nqe.codec.train import init_from, save_checkpoint
    images = torch.randint(0, 256, (2, 3, 64, 96), dtype=torch.uint8,
                           generator=torch.Generator().manual_seed(1))
    small, small_config = small_trained_codec(images)
    log = [{"step": 7, "loss": 0.1, "train_psnr": 10.0}]
    save_checkpoint(tmp_path / "small.pt", {"step": 7, "model": small.state_dict(), "log": log,
                                           "prior_log": log, "bsn_frozen": True,
                                           "config": small_config})
    big_config = load_config("codec-tiny")
    big_config["decoder"].update(stem_blocks=3, up_blocks=[2, 1, 1])
    big = Codec(big_config)
    frozen, history = init_from(big, tmp_path / "small.pt")
    assert frozen and [e["step"] for e in history] == [7, 14]  # its own run after its prior one
    small.eval(), big.eval()
    with torch.no_grad():
        torch.testing.assert_close(big(images), small(images), rtol=0, atol=1e-6)
    big.train()
    loss = (big(images) - 0.5).pow(2).mean()
    loss.backward()
    new_block = big.decoder.body[big.decoder.part_names.index("stem.block2")]
    assert new_block.conv2.weight.grad.abs().sum() > 0

    narrower = load_config("codec-tiny")
    narrower["decoder"]["widths"] = [8, 16, 16]
    with pytest.raises(ValueError, match="cannot narrow"):
        Codec(narrower).load_grown(small.state_dict(), small_config)


def test_wider_decoder_starts_where_the_narrower_one_was():
    """--init-from into wider decoder stages (and more blocks): the same frame to float
    rounding, and the copies of a channel get gradients that are not merely scaled copies of
    each other (Adam would move such copies in step), so they can drift apart."""
    images = torch.randint(0, 256, (2, 3, 64, 96), dtype=torch.uint8,
                           generator=torch.Generator().manual_seed(1))
    small, small_config = small_trained_codec(images)
    wide_config = load_config("codec-tiny")
    wide_config["decoder"].update(widths=[24, 20, 16], final_width=12, stem_blocks=2,
                                  up_blocks=[1, 1, 1])
    wide = Codec(wide_config)
    freeze_bsn(wide)
    grown = wide.load_grown(small.state_dict(), small_config)
    assert "stem.block1" in grown and "stem.conv (wider)" in grown and "head (wider)" in grown
    small.eval(), wide.eval()
    with torch.no_grad():
        torch.testing.assert_close(wide(images), small(images), rtol=0, atol=1e-5)
    wide.train()
    (wide(images) - 0.5).pow(2).mean().backward()
    stem = wide.decoder.body[0]
    same = (stem.weight[16:17] == stem.weight[:16]).flatten(1).all(1)
    copied = int(torch.nonzero(same)[0])  # the old channel new channel 16 copies
    cosine = torch.nn.functional.cosine_similarity(stem.weight.grad[16].flatten(),
                                                   stem.weight.grad[copied].flatten(), dim=0)
    assert cosine < 0.95, cosine

    deeper = load_config("codec-tiny")
    deeper["decoder"]["stem_blocks"] = 2
    with pytest.raises(ValueError, match="no place"):
        small.load_grown(Codec(deeper).state_dict(), deeper)


def test_grown_code_starts_where_the_smaller_one_was():
    """--init-from into a code with more channels: the old bits are unchanged, the new ones are
    1 for about half the patches (their BSN biases are set from crops), and the frame decodes
    as before (the decoder's weights for them start at zero) until training moves them."""
    crops = torch.randint(0, 256, (4, 3, 64, 64), dtype=torch.uint8,
                          generator=torch.Generator().manual_seed(1))
    small, small_config = small_trained_codec(crops)
    big_config = load_config("codec-tiny")
    big_config["encoder"][-1]["out"] = 20
    big = Codec(big_config)
    freeze_bsn(big)
    assert "code channels 16-19" in big.load_grown(small.state_dict(), small_config, crops)
    small.eval(), big.eval()
    with torch.no_grad():
        old_bits, grid = small.encode(crops)
        new_bits, _ = big.encode(crops)
        torch.testing.assert_close(big.decode(new_bits, grid), small.decode(old_bits, grid),
                                   rtol=0, atol=1e-6)
    assert torch.equal(new_bits[:, :16], old_bits)
    ones = new_bits[:, 16:].mean((0, 2, 3))
    assert bool(((ones > 0.2) & (ones < 0.8)).all()), ones
    big.train()
    big(crops).pow(2).mean().backward()
    assert big.decoder.body[0].weight.grad[:, 16:].abs().sum() > 0  # the new inputs will train
    with pytest.raises(ValueError):
        small.load_grown(big.state_dict(), big_config)


def test_decorrelation_penalty_measures_repeated_bits():
    from nqe.codec.code_stats import decorrelation_penalty
    g = torch.Generator().manual_seed(0)
    independent = (torch.rand(4000, 16, generator=g) > 0.5).float()
    assert decorrelation_penalty(independent) < 0.01
    one_bit = independent[:, :1]
    copies = torch.cat([one_bit, 1 - one_bit, one_bit, one_bit], dim=1)  # copies and negations
    assert abs(decorrelation_penalty(copies).item() - 1.0) < 1e-4
    half = torch.cat([independent[:, :8], independent[:, :8]], dim=1)  # each bit has one twin
    assert abs(decorrelation_penalty(half).item() - 1 / 15) < 0.01


def test_decorrelation_penalty_reaches_the_encoder():
    from nqe.codec.code_stats import decorrelation_penalty
    codec = Codec(load_config("codec-tiny"))
    patches = torch.randint(0, 256, (64, 3, 32, 32), dtype=torch.uint8)
    decorrelation_penalty(codec.encoder(patches.float())).backward()
    grads = [p.grad for p in codec.encoder.parameters() if p.grad is not None]
    assert grads and any(gr.abs().sum() > 0 for gr in grads)
