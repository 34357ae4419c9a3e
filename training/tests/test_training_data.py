"""Data loading: the official binary layout, the missing-data error, tensor augmentation."""
import numpy as np
import pytest
import torch

from nqe.data import load_cifar10, random_crop_flip


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
