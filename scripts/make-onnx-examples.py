#!/usr/bin/python3
"""The FP ONNX models that the import tests and docs/user-guide.md ("Your own model") use,
made the way a user makes theirs: a PyTorch network trained briefly on Fashion-MNIST, then
exported with torch.onnx.export. Needs Debian's python3-torch (1.13); run it with the system
Python:

    /usr/bin/python3 scripts/make-onnx-examples.py [--out tests/data/onnx] [--epochs 3]

Writes
  fmnist-small.onnx     exported for inference: batch norm folded into the convolutions
  fmnist-small-bn.onnx  the same trained network with its BatchNormalization nodes kept
  fmnist-small.txt      the test accuracy PyTorch measured, and the preprocessing

With --resnet18 FILE it also writes torchvision's ResNet-18 (ImageNet-sized, 3x224x224, 1000
classes; untrained: no download), which docs/user-guide.md times the import of; it needs
python3-torchvision and is not kept in the repository (45 MB).

The network holds what import must handle: a plain convolution, max pooling, depthwise
separable and inverted-residual blocks with ReLU6 and a residual Add, global average pooling,
flatten and a fully connected layer. Input: 1x28x28, (pixel/255 - 0.2860) / 0.3530.
"""
import argparse
import gzip
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530
DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(split):
    x = read_idx(os.path.join(DATA, f"{split}-images-idx3-ubyte.gz")).astype(np.float32) / 255.0
    y = read_idx(os.path.join(DATA, f"{split}-labels-idx1-ubyte.gz")).astype(np.int64)
    x = (x - MEAN) / STD
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


class InvertedResidual(nn.Module):
    def __init__(self, c, expand):
        super().__init__()
        h = c * expand
        self.expand = nn.Sequential(nn.Conv2d(c, h, 1, bias=False), nn.BatchNorm2d(h), nn.ReLU6())
        self.dw = nn.Sequential(nn.Conv2d(h, h, 3, padding=1, groups=h, bias=False), nn.BatchNorm2d(h), nn.ReLU6())
        self.project = nn.Sequential(nn.Conv2d(h, c, 1, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        return x + self.project(self.dw(self.expand(x)))


class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.pool = nn.MaxPool2d(2)
        self.sep = nn.Sequential(  # depthwise separable, 16 -> 32 channels, stride 2
            nn.Conv2d(16, 16, 3, stride=2, padding=1, groups=16, bias=False), nn.BatchNorm2d(16), nn.ReLU6(),
            nn.Conv2d(16, 32, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU6())
        self.block = InvertedResidual(32, 4)
        self.head = nn.Sequential(nn.Conv2d(32, 64, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU6())
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.head(self.block(self.sep(self.pool(self.stem(x)))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="tests/data/onnx")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--resnet18", help="also write torchvision's ResNet-18 here")
    a = ap.parse_args()
    if a.resnet18:
        import torchvision
        r = torchvision.models.resnet18().eval()
        torch.onnx.export(r, torch.zeros(1, 3, 224, 224), a.resnet18, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                          opset_version=13)
        print(f"wrote {a.resnet18}")
        return
    torch.manual_seed(0)
    torch.set_num_threads(2)
    xtr, ytr = load("train")
    xte, yte = load("t10k")
    net = SmallNet()
    opt = torch.optim.Adam(net.parameters(), 2e-3)
    t0 = time.time()
    for epoch in range(a.epochs):
        net.train()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 128):
            idx = perm[i:i + 128]
            loss = F.cross_entropy(net(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    net.eval()
    with torch.no_grad():
        acc = sum((net(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item() for i in range(0, 10000, 1000))
    os.makedirs(a.out, exist_ok=True)
    x = torch.zeros(1, 1, 28, 28)
    axes = {"input": {0: "batch"}, "logits": {0: "batch"}}
    common = dict(input_names=["input"], output_names=["logits"], dynamic_axes=axes, opset_version=13)
    torch.onnx.export(net, x, os.path.join(a.out, "fmnist-small.onnx"), **common)
    torch.onnx.export(net, x, os.path.join(a.out, "fmnist-small-bn.onnx"), do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE, **common)
    with open(os.path.join(a.out, "fmnist-small.txt"), "w") as f:
        f.write(f"PyTorch {torch.__version__}, {a.epochs} epoch(s) in {time.time() - t0:.0f} s\n")
        f.write(f"test accuracy {100 * acc / 10000:.2f}%\n")
        f.write(f"preprocessing: --mean {MEAN} --std {STD}\n")
    print(open(os.path.join(a.out, "fmnist-small.txt")).read(), end="")


if __name__ == "__main__":
    main()
