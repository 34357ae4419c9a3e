"""Test accuracy of a training checkpoint run as a float PyTorch model: how the float
distillation teachers (never exported, the engine is integer-only) are scored.

  PYTHONPATH=training /usr/bin/python3 -m nqe.tools.eval_float \\
      --checkpoint models/checkpoints/teacher-vgg-s-wide.pt [--data DIR] [--images N]

Prints ``accuracy=<fraction> images=<n>``. Several ``--checkpoint`` score their ensemble (the
mean of their logits) and ``--mirror`` averages each image with its horizontal mirror: the
targets of ``train.distill`` with a list of teachers and ``mirror``. Exported integer models are
scored by ``nqe-eval classify`` instead, which runs the file the engine runs.
"""
import argparse
import sys

import torch

from ..data import add_data_arguments, load_cifar10
from ..distill import Mirrored, load_teacher
from ..train import eval_subset, evaluate


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True, action="append",
                   help="nqe.train checkpoint (.pt); repeat it to score the ensemble (mean logits)")
    p.add_argument("--mirror", action="store_true",
                   help="average the logits of each image and its horizontal mirror")
    add_data_arguments(p)
    p.add_argument("--images", type=int, default=None,
                   help="score N test images, the fixed class-mixed subset the training curve uses "
                        "(default all 10,000)")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    model, cks = load_teacher(args.checkpoint)
    model = model.to(memory_format=torch.channels_last)
    if args.mirror:
        model = Mirrored(model)
    names = " + ".join(ck["config"]["name"] for ck in cks)
    print(f"config {names}; {' + '.join(args.checkpoint)}", file=sys.stderr, flush=True)
    data = load_cifar10(args.data, args.cache)
    idx = eval_subset(len(data.y_test), args.images)
    # fp32, not bf16: the figure must not depend on the CPU it is measured on.
    acc = evaluate(model, data.x_test[idx], data.y_test[idx], bf16=False)
    n = len(idx)
    print(f"accuracy={acc:.4f} images={n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
