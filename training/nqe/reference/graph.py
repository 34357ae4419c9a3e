"""Tensor wiring and shapes of a Model: which tensors each layer reads, and their C x H x W."""
from dataclasses import dataclass

from ..model_format.proto import pb


@dataclass(frozen=True)
class Shape:
    c: int
    h: int
    w: int

    @property
    def size(self) -> int:
        return self.c * self.h * self.w


def layer_inputs(model: "pb.Model", index: int) -> list:
    """Tensor indices layer `index` reads: its `inputs`, or the previous tensor."""
    layer = model.layers[index]
    inputs = list(layer.inputs) or [index]
    for t in inputs:
        if t > index:
            raise ValueError(f"layer {index} ({layer.name}) reads tensor {t}, not yet computed")
    return inputs


def _conv_out(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


def infer_shapes(model: "pb.Model") -> list:
    """Shapes of tensor 0 (the input) and of every layer's output."""
    shapes = [Shape(model.input.channels, model.input.height, model.input.width)]
    for i, layer in enumerate(model.layers):
        ins = [shapes[t] for t in layer_inputs(model, i)]
        x = ins[0]
        op = layer.WhichOneof("op")
        if op == "conv2d":
            c = layer.conv2d
            shape = Shape(c.out_channels, _conv_out(x.h, c.kernel_h, c.stride, c.padding),
                          _conv_out(x.w, c.kernel_w, c.stride, c.padding))
        elif op == "max_pool":
            p = layer.max_pool
            shape = Shape(x.c, _conv_out(x.h, p.kernel, p.stride, 0),
                          _conv_out(x.w, p.kernel, p.stride, 0))
        elif op == "global_sum_pool":
            shape = Shape(x.c, 1, 1)
        else:  # bsn, activation, mux_residual keep the shape
            shape = x
        shapes.append(shape)
    return shapes


def tensor_bits(model: "pb.Model") -> list:
    """Stored width in bits of every tensor's elements (docs/integer-semantics.md)."""
    bits = [8]
    for i, layer in enumerate(model.layers):
        op = layer.WhichOneof("op")
        if op == "activation":
            a = layer.activation
            width = {pb.QRELU: a.bits, pb.HWMSB: 2, pb.SIGN: 1}[a.kind]
        elif op == "max_pool":
            width = bits[layer_inputs(model, i)[0]]
        elif op == "mux_residual":
            width = layer.mux_residual.bits
        else:
            width = 32
        bits.append(width)
    return bits
