"""Datasets for NQE training: CIFAR-10 as uint8 tensors plus tensor-side augmentation."""
from .cifar10 import (CLASS_NAMES, Cifar10, add_data_arguments, default_cache_dir,
                      default_data_dir, load_cifar10, load_cifar10_small, synthetic_cifar10)
from .augment import cutout, iterate_batches, random_crop_flip

__all__ = ["CLASS_NAMES", "Cifar10", "add_data_arguments", "load_cifar10", "load_cifar10_small", "synthetic_cifar10", "default_data_dir", "default_cache_dir",
           "cutout", "random_crop_flip", "iterate_batches"]
