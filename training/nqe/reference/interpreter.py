"""Runs a Model on uint8 RGB images with the integer ops: the Python reference engine."""
import numpy as np

from ..model_format.proto import pb
from ..model_format.weights import unpack_levels
from . import ops
from .graph import layer_inputs


class Interpreter:
    """Decodes a model's weights once; runs batches of images through it."""

    def __init__(self, model: "pb.Model", blas: bool = False):
        self.model = model
        self.blas = blas
        self.levels = {}
        for i, layer in enumerate(model.layers):
            if layer.WhichOneof("op") == "conv2d":
                c = layer.conv2d
                shape = (c.out_channels, c.in_channels // c.groups, c.kernel_h, c.kernel_w)
                self.levels[i] = unpack_levels(c.weights, shape).astype(np.int64)

    def run(self, images: np.ndarray, trace: bool = False):
        """images: N x H x W x 3 (or H x W x 3) uint8 RGB. Returns the last tensor (N x C x H x W
        int64), or every tensor 1..L when `trace` is set."""
        images = np.asarray(images)
        if images.dtype != np.uint8:
            raise ValueError("images must be uint8 RGB")
        if images.ndim == 3:
            images = images[None]
        spec = self.model.input
        if images.shape[1:] != (spec.height, spec.width, spec.channels):
            raise ValueError(f"model input is {spec.height}x{spec.width}x{spec.channels}, "
                             f"got {images.shape[1:]}")
        tensors = [images.transpose(0, 3, 1, 2).astype(np.int64) - spec.offset]
        for i, layer in enumerate(self.model.layers):
            ins = [tensors[t] for t in layer_inputs(self.model, i)]
            tensors.append(self._run_layer(i, layer, ins))
        return tensors[1:] if trace else tensors[-1]

    def _run_layer(self, i, layer, ins):
        op = layer.WhichOneof("op")
        if op == "conv2d":
            c = layer.conv2d
            return ops.conv2d(ins[0], self.levels[i], c.stride, c.padding, c.groups, self.blas)
        if op == "bsn":
            return ops.bit_shift_norm(ins[0], layer.bsn)
        if op == "activation":
            return ops.activation(ins[0], layer.activation)
        if op == "max_pool":
            return ops.max_pool(ins[0], layer.max_pool)
        if op == "global_sum_pool":
            return ops.global_sum_pool(ins[0])
        if op == "mux_residual":
            return ops.mux_residual(ins[0], ins[1], layer.mux_residual.bits)
        raise ValueError(f"layer {i} ({layer.name}) has no op")


def run_model(model: "pb.Model", images: np.ndarray, blas: bool = False) -> np.ndarray:
    """The final tensor for one image (C x H x W) or a batch (N x C x H x W)."""
    out = Interpreter(model, blas).run(images)
    return out[0] if np.asarray(images).ndim == 3 else out
