"""CIFAR-10 loading.

Two on-disk layouts are accepted under the data directory (``--data``):

* the project's JPEG archive ``cifar10-jpeg.tar.xz`` (``train/<class>/*.jpg``,
  ``test/<class>/*.jpg``), or an already unpacked copy of it;
* the official binary release ``cifar-10-batches-bin/`` (``data_batch_{1..5}.bin``,
  ``test_batch.bin``: 1 label byte + 3072 bytes of R, G, B planes per record).

JPEG decoding takes ~1 min, so the decoded arrays are cached once as a ``.pt`` file of uint8
tensors (N x 3 x 32 x 32) in a cache directory (never in the source tree) and every later
run just loads that file. Augmentation then happens on tensors (see augment.py).
"""
from __future__ import annotations

import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

CLASS_NAMES = ["airplane", "automobile", "bird", "cat", "deer",
               "dog", "frog", "horse", "ship", "truck"]

REPO_ROOT = Path(__file__).resolve().parents[3]


def default_data_dir() -> Path:
    """../shared/data/cifar10 relative to the repository root (see the data README)."""
    return Path(os.environ.get("NQE_DATA", REPO_ROOT.parent / "shared" / "data")) / "cifar10"


def default_cache_dir() -> Path:
    return Path(os.environ.get("NQE_CACHE", REPO_ROOT / "build" / "cache"))


def add_data_arguments(parser) -> None:
    """The --data and --cache flags every command that reads CIFAR-10 takes (load_cifar10)."""
    parser.add_argument("--data", default=None,
                        help="CIFAR-10 directory, JPEG folders or the official binary batches "
                             "(default ../shared/data/cifar10, or $NQE_DATA/cifar10)")
    parser.add_argument("--cache", default=None,
                        help="decoded-data cache directory (default build/cache, or $NQE_CACHE)")


@dataclass
class Cifar10:
    x_train: torch.Tensor  # uint8 N x 3 x 32 x 32 (RGB planes)
    y_train: torch.Tensor  # int64 N
    x_test: torch.Tensor
    y_test: torch.Tensor
    source: str            # human-readable description, stored in the model's provenance

    def subset(self, n_train: int | None, n_test: int | None, seed: int = 0) -> "Cifar10":
        """A class-mixed random subset (for smoke tests and quick checks)."""
        g = torch.Generator().manual_seed(seed)
        it = torch.randperm(len(self.y_train), generator=g)[:n_train] if n_train else slice(None)
        iv = torch.randperm(len(self.y_test), generator=g)[:n_test] if n_test else slice(None)
        return Cifar10(self.x_train[it], self.y_train[it], self.x_test[iv], self.y_test[iv],
                       f"{self.source} (subset {n_train}/{n_test})")


def _read_binary_batches(paths: list[Path]) -> tuple[torch.Tensor, torch.Tensor]:
    raw = np.concatenate([np.fromfile(p, dtype=np.uint8) for p in paths]).reshape(-1, 3073)
    y = torch.from_numpy(raw[:, 0].astype(np.int64))
    x = torch.from_numpy(raw[:, 1:].reshape(-1, 3, 32, 32).copy())
    return x, y


def _load_binary(bin_dir: Path) -> Cifar10:
    train = [bin_dir / f"data_batch_{i}.bin" for i in range(1, 6)]
    test = [bin_dir / "test_batch.bin"]
    missing = [str(p) for p in train + test if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"incomplete CIFAR-10 binary layout, missing: {missing}")
    xt, yt = _read_binary_batches(train)
    xv, yv = _read_binary_batches(test)
    return Cifar10(xt, yt, xv, yv, f"CIFAR-10 official binary ({bin_dir})")


def _decode_jpeg_split(split_dir: Path, per_class: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    from PIL import Image
    xs, ys = [], []
    for label, name in enumerate(CLASS_NAMES):
        files = sorted((split_dir / name).glob("*.jpg"))[:per_class]
        if not files:
            raise FileNotFoundError(f"no JPEG files in {split_dir / name}")
        for f in files:
            with Image.open(f) as im:
                xs.append(np.asarray(im.convert("RGB"), dtype=np.uint8))
            ys.append(label)
    x = torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).contiguous()
    return x, torch.tensor(ys, dtype=torch.int64)


def _jpeg_root(data_dir: Path, cache_dir: Path) -> Path:
    """An unpacked JPEG tree: in data_dir itself, or unpacked from the archive into the cache."""
    if (data_dir / "train").is_dir() and (data_dir / "test").is_dir():
        return data_dir
    archive = data_dir / "cifar10-jpeg.tar.xz"
    root = cache_dir / "cifar10-jpeg"
    if not (root / "test" / CLASS_NAMES[-1]).is_dir():
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(root)
    return root


def load_cifar10(data_dir: str | Path | None = None, cache_dir: str | Path | None = None) -> Cifar10:
    """Load CIFAR-10 from ``data_dir`` (binary layout preferred when present, else JPEG)."""
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    for bin_dir in (data_dir / "cifar-10-batches-bin", data_dir):
        if (bin_dir / "test_batch.bin").is_file():
            return _load_binary(bin_dir)
    has_jpeg = (data_dir / "cifar10-jpeg.tar.xz").is_file() or (data_dir / "train").is_dir()
    if not has_jpeg:
        raise FileNotFoundError(
            f"CIFAR-10 not found in {data_dir}: expected cifar10-jpeg.tar.xz, an unpacked "
            "train/ + test/ JPEG tree, or cifar-10-batches-bin/. Pass --data <dir> "
            "(default ../shared/data/cifar10 relative to the repository root).")
    cache_file = cache_dir / "cifar10-jpeg-uint8.pt"
    if cache_file.is_file():
        d = torch.load(cache_file)
    else:
        root = _jpeg_root(data_dir, cache_dir)
        xt, yt = _decode_jpeg_split(root / "train")
        xv, yv = _decode_jpeg_split(root / "test")
        d = dict(x_train=xt, y_train=yt, x_test=xv, y_test=yv)
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(".tmp")
        torch.save(d, tmp)
        os.replace(tmp, cache_file)  # atomic: a killed decode never leaves a half cache
    return Cifar10(d["x_train"], d["y_train"], d["x_test"], d["y_test"],
                   f"CIFAR-10 JPEG q75 ({data_dir}/cifar10-jpeg.tar.xz)")


def load_cifar10_small(per_class_train: int, per_class_test: int, data_dir=None, cache_dir=None) -> Cifar10:
    """The first N images per class, decoded without touching the full-set cache: a few
    seconds, for smoke tests. Same layouts and errors as load_cifar10."""
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    cache_file = cache_dir / "cifar10-jpeg-uint8.pt"
    if cache_file.is_file() or (data_dir / "cifar-10-batches-bin").is_dir():
        full = load_cifar10(data_dir, cache_dir)
        pick = lambda y, n: torch.cat([torch.nonzero(y == c)[:n, 0] for c in range(10)])
        it, iv = pick(full.y_train, per_class_train), pick(full.y_test, per_class_test)
        return Cifar10(full.x_train[it], full.y_train[it], full.x_test[iv], full.y_test[iv],
                       f"{full.source} (first {per_class_train}/{per_class_test} per class)")
    if not (data_dir / "cifar10-jpeg.tar.xz").is_file() and not (data_dir / "train").is_dir():
        raise FileNotFoundError(f"CIFAR-10 not found in {data_dir}")
    root = _jpeg_root(data_dir, cache_dir)
    xt, yt = _decode_jpeg_split(root / "train", per_class_train)
    xv, yv = _decode_jpeg_split(root / "test", per_class_test)
    return Cifar10(xt, yt, xv, yv, f"CIFAR-10 JPEG ({data_dir}, first {per_class_train}/"
                   f"{per_class_test} per class)")


def synthetic_cifar10(n_train: int = 512, n_test: int = 256, seed: int = 0) -> Cifar10:
    """Learnable stand-in when the dataset is absent: each class is a colour/stripe pattern
    plus noise (so a smoke test can still see the loss fall)."""
    g = torch.Generator().manual_seed(seed)

    def make(n):
        y = torch.randint(0, 10, (n,), generator=g)
        base = torch.zeros(n, 3, 32, 32)
        for c in range(10):
            m = y == c
            base[m, c % 3] += 80 + 12 * c
            base[m, :, :: (c % 4) + 2, :] += 60
        x = (base + 30 * torch.randn(n, 3, 32, 32, generator=g) + 60).clamp(0, 255)
        return x.to(torch.uint8), y
    xt, yt = make(n_train)
    xv, yv = make(n_test)
    return Cifar10(xt, yt, xv, yv, "synthetic CIFAR-10 stand-in")
