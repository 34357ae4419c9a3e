"""ModelBuilder: assembles a Model layer by layer from integer levels, shifts and biases."""
import datetime

import numpy as np

from . import weights as wcodec
from .container import save_model
from .proto import pb

_TASKS = {"classify": pb.TASK_CLASSIFY, "encode": pb.TASK_ENCODE}
_ACTIVATIONS = {"qrelu": pb.QRELU, "hwmsb": pb.HWMSB, "sign": pb.SIGN}


class ModelBuilder:
    """Each method appends one layer and returns the index of the tensor it produces (0 is the
    input). `input=None` reads the previous tensor."""

    def __init__(self, name: str, task: str, input_hw, offset: int = 0, channels: int = 3,
                 class_names=(), code_layout=None):
        self.model = pb.Model(name=name, task=_TASKS[task])
        self.model.input.height, self.model.input.width = input_hw
        self.model.input.channels = channels
        self.model.input.offset = offset
        self.model.class_names.extend(class_names)
        if code_layout is not None:
            self.model.code_layout.patch_size, self.model.code_layout.bits_per_patch = code_layout
        self._channels = [channels]  # channel count of every tensor, for conv shapes

    def _add(self, name, input, channels, **op) -> int:
        index = len(self.model.layers)
        layer = self.model.layers.add(name=name or f"layer{index}")
        if input is not None:
            layer.inputs.extend([input] if isinstance(input, int) else input)
        (field, message), = op.items()
        getattr(layer, field).CopyFrom(message)
        self._channels.append(channels)
        return index + 1

    def _in_channels(self, input) -> int:
        return self._channels[-1 if input is None else input]

    def _conv(self, weights, shape, stride, padding, groups, input, name) -> int:
        o, cg, kh, kw = shape
        conv = pb.Conv2d(in_channels=cg * groups, out_channels=o, kernel_h=kh, kernel_w=kw,
                         stride=stride, padding=padding, groups=groups, weights=weights)
        if conv.in_channels != self._in_channels(input):
            raise ValueError(f"conv {name}: expects {conv.in_channels} input channels, "
                             f"tensor has {self._in_channels(input)}")
        return self._add(name, input, o, conv2d=conv)

    def conv(self, levels, stride=1, padding=0, groups=1, encoding="ternary", input=None,
             name=None) -> int:
        levels = np.asarray(levels)
        return self._conv(wcodec.pack_levels(levels, encoding), levels.shape, stride, padding,
                          groups, input, name)

    def conv_flexor(self, shape, encrypted_bits, xor_matrix, n_tap=2, stride=1, padding=0,
                    groups=1, input=None, name=None) -> int:
        w = wcodec.pack_flexor(encrypted_bits, np.asarray(xor_matrix), n_tap, int(np.prod(shape)))
        return self._conv(w, shape, stride, padding, groups, input, name)

    def conv_ca(self, shape, rule=30, seed=1, stride=1, padding=0, groups=1, input=None,
                name=None) -> int:
        w = wcodec.pack_ca(rule, seed, int(np.prod(shape)))
        return self._conv(w, shape, stride, padding, groups, input, name)

    def bsn(self, shifts, biases=None, bias_bits=16, input=None, name=None) -> int:
        norm = pb.BitShiftNorm(shifts=[int(s) for s in np.atleast_1d(shifts)])
        if biases is not None:
            biases = [int(b) for b in np.atleast_1d(biases)]
            if any(not -(1 << (bias_bits - 1)) <= b < 1 << (bias_bits - 1) for b in biases):
                raise ValueError(f"bsn {name}: a bias does not fit {bias_bits} bits")
            norm.biases.extend(biases)
            norm.bias_bits = bias_bits
        return self._add(name, input, self._in_channels(input), bsn=norm)

    def act(self, kind, bits=None, input=None, name=None) -> int:
        bits = bits if bits is not None else {"hwmsb": 2, "sign": 1}.get(kind)
        return self._add(name, input, self._in_channels(input),
                         activation=pb.Activation(kind=_ACTIVATIONS[kind], bits=bits))

    def max_pool(self, kernel=2, stride=2, input=None, name=None) -> int:
        return self._add(name, input, self._in_channels(input),
                         max_pool=pb.MaxPool(kernel=kernel, stride=stride))

    def global_sum_pool(self, input=None, name=None) -> int:
        return self._add(name, input, self._in_channels(input), global_sum_pool=pb.GlobalSumPool())

    def mux(self, skip, branch, bits, name=None) -> int:
        return self._add(name, [skip, branch], self._channels[skip],
                         mux_residual=pb.MuxResidual(bits=bits))

    def finish(self, provenance=None) -> "pb.Model":
        """Fills the provenance (with the memory figures) and returns the model."""
        from ..reference.accounting import memory_report

        prov = self.model.provenance
        for key, value in (provenance or {}).items():
            if key == "metrics":
                prov.metrics.update({k: str(v) for k, v in value.items()})
            else:
                setattr(prov, key, value)
        report = memory_report(self.model)
        prov.param_bits, prov.activation_bits = report["param_bits"], report["activation_bits"]
        prov.created_utc = prov.created_utc or datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
        return self.model

    def save(self, path, provenance=None) -> str:
        """Writes the model file; returns its checksum."""
        return save_model(self.finish(provenance), path)
