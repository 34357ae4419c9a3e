"""Photo data for the codec: decoded once into uint8 tensors, cropped and flipped on tensors."""
from pathlib import Path

import cv2
import numpy as np
import torch

_EXTENSIONS = {".png", ".jpg", ".jpeg", ".bmp", ".ppm"}


def image_paths(folder) -> list:
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no image folder at {folder} (see ../shared/data/README.md)")
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in _EXTENSIONS)
    if not paths:
        raise FileNotFoundError(f"{folder} holds no .png/.jpg images")
    return paths


def read_rgb(path) -> np.ndarray:
    """H x W x 3 uint8 RGB (OpenCV reads BGR)."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"cannot decode image {path}")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


class CropSampler:
    """Random crops (with horizontal flips) from a folder of photos held in memory as uint8."""

    def __init__(self, folder, crop: int, seed: int = 0):
        self.images = [torch.from_numpy(read_rgb(p)).permute(2, 0, 1).contiguous()
                       for p in image_paths(folder)]
        self.images = [im for im in self.images if min(im.shape[1:]) >= crop]
        if not self.images:
            raise ValueError(f"no image in {folder} is at least {crop} pixels a side")
        self.crop = crop
        self.generator = torch.Generator().manual_seed(seed)

    def _randint(self, high: int) -> int:
        return int(torch.randint(high, (1,), generator=self.generator))

    def batch(self, size: int) -> torch.Tensor:
        """size x 3 x crop x crop uint8."""
        out = torch.empty(size, 3, self.crop, self.crop, dtype=torch.uint8)
        for i in range(size):
            im = self.images[self._randint(len(self.images))]
            y = self._randint(im.shape[1] - self.crop + 1)
            x = self._randint(im.shape[2] - self.crop + 1)
            patch = im[:, y:y + self.crop, x:x + self.crop]
            out[i] = patch.flip(2) if self._randint(2) else patch
        return out
