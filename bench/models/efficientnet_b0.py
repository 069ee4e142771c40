"""EfficientNet-B0 (Tan & Le, ICML 2019, Table 1) in plain PyTorch, exported to ONNX for `npm run bench`.

torchvision is not installed here, so the architecture is written out: the stem, seven MBConv stages
(expand ratio, kernel, stride, output channels, repeats: 1/3/1/16/1, 6/3/2/24/2, 6/5/2/40/2, 6/3/2/80/3,
6/5/1/112/3, 6/5/2/192/4, 6/3/1/320/1), squeeze-and-excitation to a quarter of each block's input channels,
SiLU, a 1280-channel head and a 1000-class classifier, as torchvision's efficientnet_b0 builds it. The check
below compares the parameter count with torchvision's published 5,288,548 before exporting. Weights are random
(seeded); only the graph's shapes and costs matter to the bench.

usage: /usr/bin/python3 bench/models/efficientnet_b0.py OUT.onnx
"""
import sys

import torch
from torch import nn

TORCHVISION_PARAMS = 5_288_548  # torchvision.models.efficientnet_b0 documentation: "num_params"

STAGES = [  # expand, kernel, stride, out channels, repeats
    (1, 3, 1, 16, 1),
    (6, 3, 2, 24, 2),
    (6, 5, 2, 40, 2),
    (6, 3, 2, 80, 3),
    (6, 5, 1, 112, 3),
    (6, 5, 2, 192, 4),
    (6, 3, 1, 320, 1),
]


def conv_bn_act(cin, cout, kernel, stride=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout, eps=1e-3)]
    if act:
        layers.append(nn.SiLU())
    return nn.Sequential(*layers)


class SqueezeExcite(nn.Module):
    def __init__(self, channels, squeeze):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, squeeze, 1)
        self.fc2 = nn.Conv2d(squeeze, channels, 1)
        self.act = nn.SiLU()
        self.gate = nn.Sigmoid()

    def forward(self, x):
        return x * self.gate(self.fc2(self.act(self.fc1(self.pool(x)))))


class MBConv(nn.Module):
    def __init__(self, cin, cout, expand, kernel, stride):
        super().__init__()
        hidden = cin * expand
        layers = []
        if expand != 1:
            layers.append(conv_bn_act(cin, hidden, 1))
        layers += [conv_bn_act(hidden, hidden, kernel, stride, groups=hidden),
                   SqueezeExcite(hidden, max(1, cin // 4)),
                   conv_bn_act(hidden, cout, 1, act=False)]
        self.block = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.block(x)
        return x + y if self.residual else y


class EfficientNetB0(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        layers = [conv_bn_act(3, 32, 3, 2)]
        cin = 32
        for expand, kernel, stride, cout, repeats in STAGES:
            for i in range(repeats):
                layers.append(MBConv(cin, cout, expand, kernel, stride if i == 0 else 1))
                cin = cout
        layers.append(conv_bn_act(cin, 1280, 1))
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def main():
    out = sys.argv[1]
    torch.manual_seed(0)
    model = EfficientNetB0().eval()
    params = sum(p.numel() for p in model.parameters())
    if params != TORCHVISION_PARAMS:
        sys.exit(f"efficientnet_b0: {params} parameters, torchvision publishes {TORCHVISION_PARAMS}")
    torch.onnx.export(model, torch.randn(1, 3, 224, 224), out, opset_version=13, input_names=["input"],
                      output_names=["output"], do_constant_folding=True)
    print(f"{out}: EfficientNet-B0, {params} parameters before BatchNorm folding")


if __name__ == "__main__":
    main()
