"""Quantisation-aware layers that compute, in training, the integers the NQE engine computes."""
from .activations import HWMSB, QReLU, Sign, make_activation
from .blocks import Classifier, MuxBlock, ResidualBlock, make_cflog, mux_residual
from .conv import ConvUnit, QConv2d, make_unit
from .norm import Norm
from .weights import (BinaryQuantizer, CAQuantizer, FlexorQuantizer, UniformQuantizer,
                      WeightQuantizer, make_weight_quantizer)
