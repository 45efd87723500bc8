#!/usr/bin/env python3
"""Writes bench/models/resnet20.onnx: a ResNet-20 of the CIFAR shape (He et al. 2016, section 4.2:
3x32x32 input, 16-32-64 channels, three stages of three basic blocks, BatchNorm, residual adds with
1x1 projection shortcuts, global average pooling, 10 logits), with PyTorch's default initialization
from seed 0 and BatchNorm statistics from 8 batches of random inputs, exported with opset 13 and a
symbolic batch. The benchmark measures speed, not accuracy: the weights are not trained.

Run from the repository root with Debian's PyTorch: /usr/bin/python3 bench/models/make_resnet20.py
"""
import os
import sys

import torch
from torch import nn

# the basic block of the example ResNet (examples/models/train.py)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'examples', 'models'))
from train import BasicBlock  # noqa: E402


class ResNet20(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for cout, stride in [(16, 1), (32, 2), (64, 2)]:
            for k in range(3):
                layers.append(BasicBlock(cin, cout, stride if k == 0 else 1))
                cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        x = self.layers(x)
        x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return self.fc(x)


def main():
    torch.manual_seed(0)
    model = ResNet20()
    model.train()
    with torch.no_grad():
        for _ in range(8):
            model(torch.randn(64, 3, 32, 32))
    model.eval()
    torch.onnx.export(
        model,
        torch.randn(1, 3, 32, 32),
        'bench/models/resnet20.onnx',
        input_names=['input'],
        output_names=['logits'],
        dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}},
        opset_version=13,
    )


if __name__ == '__main__':
    main()
