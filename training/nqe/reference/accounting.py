"""Parameter memory and peak activation buffer (DESIGN.md contract 3, integer-semantics.md)."""
from ..model_format.proto import pb
from ..model_format.weights import stored_bits
from .graph import infer_shapes, layer_inputs, tensor_bits


def layer_param_bits(layer: "pb.Layer") -> int:
    op = layer.WhichOneof("op")
    if op == "conv2d":
        return stored_bits(layer.conv2d.weights)
    if op == "bsn":
        return 4 * len(layer.bsn.shifts) + layer.bsn.bias_bits * len(layer.bsn.biases)
    return 0


def _transient(model: "pb.Model") -> set:
    """Conv/BSN outputs read only by one BSN or activation: fused, never buffered."""
    readers = {}
    for i in range(len(model.layers)):
        for t in layer_inputs(model, i):
            readers.setdefault(t, []).append(i)
    transient = set()
    for i, layer in enumerate(model.layers):
        t = i + 1
        if layer.WhichOneof("op") in ("conv2d", "bsn") and len(readers.get(t, [])) == 1:
            if model.layers[readers[t][0]].WhichOneof("op") in ("bsn", "activation"):
                transient.add(t)
    return transient


def memory_report(model: "pb.Model") -> dict:
    shapes, bits = infer_shapes(model), tensor_bits(model)
    transient = _transient(model)

    def sources(t):  # materialised tensors behind tensor t
        if t not in transient:
            return {t}
        return set().union(*(sources(s) for s in layer_inputs(model, t - 1)))

    layers, peak = [], 0
    for i, layer in enumerate(model.layers):
        t = i + 1
        stage = None
        if t not in transient:
            reads = set().union(*(sources(s) for s in layer_inputs(model, i)))
            stage = shapes[t].size * bits[t] + sum(shapes[s].size * bits[s] for s in reads)
            peak = max(peak, stage)
        layers.append(dict(index=i, name=layer.name, op=layer.WhichOneof("op"),
                           param_bits=layer_param_bits(layer), stage_bits=stage))
    return dict(param_bits=sum(l["param_bits"] for l in layers), activation_bits=peak,
                layers=layers)
