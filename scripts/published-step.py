#!/usr/bin/python3
"""Times one supernet training step of the published EQ-Net implementation (PyTorch) on this
machine's CPU, for the comparison in docs/performance.md (issue 13).

Needs Debian's python3-torch and python3-torchvision and a checkout of the published code
(https://github.com/xuke225/EQ-Net, not part of this project):

    /usr/bin/python3 scripts/published-step.py --eqnet-repo DIR [--model mbv2-28] [--batch-size 128]
        [--threads 1] [--seconds 10]

The network is built here to match the project's built-in network of the same name
(core/src/models/builtin_networks.cpp); the published code then wraps its convolutions and
linear layers in its own quantized modules (LSQ quantizers, every bit-width 2..8, per-channel
or per-tensor, symmetric or not). The timed step is what the published trainer does per batch
(QuantSuperNetTrainer.train_epoch, configs/train-supernet.yaml): the kurtosis and skewness
losses (backward each), the biggest subnet on the labels, one random subnet and the smallest
on the previous subnet's soft labels (KL + CE, alpha 0.5), gradient clipping by value 1.0,
Adam. The published code is only imported, never copied.
"""
import argparse
import random
import statistics
import sys
import time
import types


def yacs_stand_in():
    """The published code's config module needs yacs (not packaged by Debian): a minimal
    attribute dictionary is all it uses at import time."""

    class CfgNode(dict):
        def __init__(self, *args, new_allowed=True, **kw):
            super().__init__(*args, **kw)

        def __getattr__(self, name):
            if name not in self:
                self[name] = CfgNode()
            return self[name]

        def __setattr__(self, name, value):
            self[name] = value

    yacs = types.ModuleType("yacs")
    config = types.ModuleType("yacs.config")
    config.CfgNode = CfgNode
    yacs.config = config
    sys.modules["yacs"] = yacs
    sys.modules["yacs.config"] = config


def fmnist_cnn(nn, classes):
    layers, ch, stride = [], [1, 16, 32, 32, 64, 64], [1, 2, 1, 2, 1]
    for i in range(5):
        layers += [nn.Conv2d(ch[i], ch[i + 1], 3, stride[i], 1, bias=False), nn.BatchNorm2d(ch[i + 1]), nn.ReLU()]
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, classes))


def mbv2_28(nn, classes):
    """The project's mbv2-28: stem 16 (stride 2), stages (t, c, n, s) = (1,16,1,1), (4,24,2,2),
    (4,32,2,2), (4,48,1,1), head 128, ReLU6, residual adds where the shape allows."""

    class Block(nn.Module):
        def __init__(self, cin, cout, stride, t):
            super().__init__()
            hidden = cin * t
            parts = []
            if t != 1:
                parts += [nn.Conv2d(cin, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6()]
            parts += [nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False), nn.BatchNorm2d(hidden),
                      nn.ReLU6(), nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout)]
            self.body = nn.Sequential(*parts)
            self.residual = stride == 1 and cin == cout

        def forward(self, x):
            y = self.body(x)
            return x + y if self.residual else y

    parts = [nn.Conv2d(1, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6()]
    cin = 16
    for t, c, n, s in [(1, 16, 1, 1), (4, 24, 2, 2), (4, 32, 2, 2), (4, 48, 1, 1)]:
        for i in range(n):
            parts.append(Block(cin, c, s if i == 0 else 1, t))
            cin = c
    parts += [nn.Conv2d(cin, 128, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU6(), nn.AdaptiveAvgPool2d(1),
              nn.Flatten(), nn.Linear(128, classes)]
    return nn.Sequential(*parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eqnet-repo", required=True, help="checkout of the published EQ-Net code")
    ap.add_argument("--model", default="mbv2-28", choices=["mbv2-28", "fmnist-cnn", "mobilenetv2"])
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=10.0, help="minimum time of the timed steps")
    a = ap.parse_args()

    yacs_stand_in()
    sys.path.insert(0, a.eqnet_repo)
    import torch
    import torch.nn as nn
    from core.config import cfg
    cfg.Resume = None  # read by the published LSQ quantizers
    from module.qat_model import QATQuantSuperModel
    from runner.criterion import KLLossSoft, KurtosisLoss, SkewnessLoss

    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    random.seed(0)
    if a.model == "mobilenetv2":
        import torchvision
        model, size, chans, classes = torchvision.models.mobilenet_v2(), 224, 3, 1000
    else:
        size, chans, classes = 28, 1, 10
        model = (mbv2_28 if a.model == "mbv2-28" else fmnist_cnn)(nn, classes)

    # configs/train-supernet.yaml of the published code
    wq = {"n_bits": 8, "scale_method": "mse", "leaf_param": True}
    aq = {"n_bits": 8, "scale_method": "mse", "leaf_param": True}
    space = {"w_bit_list": None, "a_bit_list": None, "w_sym_list": None, "a_sym_list": None,
             "channel_wise_list": None}
    qnn = QATQuantSuperModel(model, wq, aq, quantizer="lsq", search_space=space)
    qnn.set_first_last_layer_to_8bit()
    x = torch.randn(a.batch_size, chans, size, size)
    y = torch.randint(0, classes, (a.batch_size,))
    qnn.set_quant_state(True, True)
    with torch.no_grad():  # the published calibration pass (256 images)
        qnn(torch.randn(256 if size == 28 else 32, chans, size, size))
    qnn.train()
    opt = torch.optim.Adam(qnn.parameters(), lr=1e-3, weight_decay=0)
    ce, soft = nn.CrossEntropyLoss(), KLLossSoft()

    def step():
        opt.zero_grad()
        (0.015 * KurtosisLoss(qnn)).backward()
        (1.0 * SkewnessLoss(qnn)).backward()
        qnn.set_biggest_subnet()
        preds = qnn(x)
        ce(preds, y).backward()
        soft_label = preds.detach().clone()
        for k in (1, 2):
            if k == 2:
                qnn.set_smallest_subnet()
            else:
                qnn.set_random_subnet()
            preds = qnn(x)
            soft(preds, soft_label, y, alpha=0.5).backward()
            soft_label = preds.detach().clone()
        nn.utils.clip_grad_value_(qnn.parameters(), 1.0)
        opt.step()

    step()
    step()  # warm-up
    times, start = [], time.perf_counter()
    while len(times) < 3 or time.perf_counter() - start < a.seconds:
        t0 = time.perf_counter()
        step()
        times.append(1000 * (time.perf_counter() - t0))
    print(f"published EQ-Net supernet step, {a.model}, batch {a.batch_size}, {a.threads} threads, "
          f"torch {torch.__version__}: {statistics.median(times):.1f} ms (median of {len(times)})")


if __name__ == "__main__":
    main()
