"""Data loading: the official binary layout, the missing-data error, tensor augmentation."""
import numpy as np
import pytest
import torch

from nqe.data import cutout, iterate_batches, load_cifar10, random_crop_flip


def _write_batch(path, labels, images_chw):
    recs = np.concatenate([np.asarray(labels, np.uint8)[:, None],
                           images_chw.reshape(len(labels), -1)], axis=1)
    recs.astype(np.uint8).tofile(path)


def test_official_binary_layout(tmp_path):
    d = tmp_path / "cifar-10-batches-bin"
    d.mkdir()
    rng = np.random.default_rng(0)
    imgs = rng.integers(0, 256, (12, 3, 32, 32), dtype=np.uint8)
    for i in range(1, 6):
        _write_batch(d / f"data_batch_{i}.bin", [i, i + 1], imgs[2 * i - 2:2 * i])
    _write_batch(d / "test_batch.bin", [7, 9], imgs[10:12])
    data = load_cifar10(tmp_path, tmp_path / "cache")
    assert data.x_train.shape == (10, 3, 32, 32) and data.x_test.shape == (2, 3, 32, 32)
    assert torch.equal(data.x_train[0], torch.from_numpy(imgs[0]))   # R, G, B planes
    assert data.y_train.tolist()[:4] == [1, 2, 2, 3] and data.y_test.tolist() == [7, 9]


def test_missing_data_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="--data"):
        load_cifar10(tmp_path / "nowhere", tmp_path / "cache")


def test_crop_flip_keeps_content():
    x = torch.arange(2 * 3 * 32 * 32, dtype=torch.int64).remainder(251).to(torch.uint8).view(2, 3, 32, 32)
    y = random_crop_flip(x, generator=torch.Generator().manual_seed(0))
    assert y.shape == x.shape and y.dtype == torch.uint8
    # every output row is a (possibly flipped, shifted, zero-padded) piece of an input row
    assert set(y.unique().tolist()) <= set(x.unique().tolist()) | {0}


def test_cutout_zeroes_one_square_per_image_clipped_at_the_border():
    x = torch.full((64, 3, 32, 32), 7, dtype=torch.uint8)
    y = cutout(x, 8, torch.Generator().manual_seed(1))
    zero = (y == 0).all(1)  # n x h x w: cut pixels are cut in every channel
    assert ((y == 0) | (y == 7)).all() and (zero == (y == 0).any(1)).all()
    for m in zero:
        rows, cols = m.any(1).nonzero().flatten(), m.any(0).nonzero().flatten()
        assert 1 <= len(rows) <= 8 and 1 <= len(cols) <= 8
        # one solid rectangle: its area is rows x cols
        assert int(m.sum()) == len(rows) * len(cols)
        assert rows.diff().eq(1).all() and cols.diff().eq(1).all()
    assert (zero.sum((1, 2)) == 64).any()  # interior squares are whole


def test_cutout_is_off_by_default():
    x = torch.full((10, 3, 32, 32), 7, dtype=torch.uint8)
    y = torch.zeros(10, dtype=torch.int64)
    g = torch.Generator().manual_seed(0)
    (xb, _), = iterate_batches(x, y, 10, False, True, g)
    assert xb[:, :, 4:28, 4:28].eq(7).all()  # a 4-pixel crop's padding never reaches the centre
    (xb, _), = iterate_batches(x, y, 10, False, True, g, cutout_size=8)
    assert xb[:, :, 4:28, 4:28].eq(0).any()
