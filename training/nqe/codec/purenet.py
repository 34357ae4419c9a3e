"""PURENET: the float, fully convolutional decoder over a frame's whole code map.

Seeing every patch's code at once is what removes block artefacts: its 3x3 convolutions mix
neighbouring patches before anything is upsampled. Built only from ops Debian's OpenCV 4.6 DNN
runs at any frame size (Conv, Relu, Resize nearest, Add): upsampling is nearest + conv, which
trained ~5x faster here than ConvTranspose (DESIGN.md) and avoids DepthToSpace.
"""
import torch
from torch import nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        return x + self.conv2(self.relu(self.conv1(x)))


class PureNet(nn.Module):
    """code_channels x h x w code map (+-1, 0 = missing) -> 3 x (h*2^len(widths)) x ... RGB in
    [0, 1] (not clamped: the caller rounds and clamps to 8 bits)."""

    def __init__(self, code_channels: int, widths=(128, 96, 64), stem_blocks: int = 3,
                 final_width: int = 32):
        super().__init__()
        layers = [nn.Conv2d(code_channels, widths[0], 3, padding=1), nn.ReLU(inplace=True)]
        layers += [ResidualBlock(widths[0]) for _ in range(stem_blocks)]
        for c_in, c_out in zip(widths, list(widths[1:]) + [final_width]):
            layers += [nn.Upsample(scale_factor=2, mode="nearest"),
                       nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(inplace=True)]
            if c_out != final_width:
                layers.append(ResidualBlock(c_out))
        layers.append(nn.Conv2d(final_width, 3, 3, padding=1))
        self.body = nn.Sequential(*layers)
        self.upscale = 2 ** len(widths)

    def forward(self, code_map):
        return self.body(code_map) + 0.5
