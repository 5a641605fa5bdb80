"""The reference 3-D U-Net in PyTorch: the common PyTorch U-Net (milesial/Pytorch-UNet, bilinear=False) written with
3-D layers and a choice of batch / instance / no norm. MedLearn's UNet3d has the same state-dict keys
(gen_unet3d.py, check_unet3d_load.py)."""
import torch
import torch.nn as nn


def norm_layer(kind, c):
    return nn.BatchNorm3d(c) if kind == "batch" else nn.InstanceNorm3d(c)


class DoubleConv(nn.Module):
    def __init__(self, cin, cout, norm):
        super().__init__()
        layers = []
        for i in range(2):
            layers.append(nn.Conv3d(cin if i == 0 else cout, cout, 3, padding=1, bias=norm == "none"))
            if norm != "none":
                layers.append(norm_layer(norm, cout))
            layers.append(nn.ReLU(inplace=True))
        self.double_conv = nn.Sequential(*layers)

    def forward(self, x):
        return self.double_conv(x)


class Down(nn.Module):
    def __init__(self, cin, cout, norm):
        super().__init__()
        self.maxpool_conv = nn.Sequential(nn.MaxPool3d(2), DoubleConv(cin, cout, norm))

    def forward(self, x):
        return self.maxpool_conv(x)


class Up(nn.Module):
    def __init__(self, cin, norm):
        super().__init__()
        self.up = nn.ConvTranspose3d(cin, cin // 2, kernel_size=2, stride=2)
        self.conv = DoubleConv(cin, cin // 2, norm)

    def forward(self, x1, x2):
        return self.conv(torch.cat([x2, self.up(x1)], dim=1))


class OutConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv3d(cin, cout, 1)

    def forward(self, x):
        return self.conv(x)


class UNet3D(nn.Module):
    def __init__(self, cin=1, classes=2, f=32, depth=3, norm="batch"):
        super().__init__()
        self.depth = depth
        self.inc = DoubleConv(cin, f, norm)
        for i in range(1, depth + 1):
            setattr(self, f"down{i}", Down(f << (i - 1), f << i, norm))
        for i in range(1, depth + 1):
            setattr(self, f"up{i}", Up(f << (depth - i + 1), norm))
        self.outc = OutConv(f, classes)

    def forward(self, x):
        skips = [self.inc(x)]
        for i in range(1, self.depth + 1):
            skips.append(getattr(self, f"down{i}")(skips[-1]))
        x = skips[-1]
        for i in range(1, self.depth + 1):
            x = getattr(self, f"up{i}")(x, skips[self.depth - i])
        return self.outc(x)
