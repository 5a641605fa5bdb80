"""Tiny torch.nn model shared by gen_serial.py and check_load.py; the C# tests mirror its names and shapes
(TinyNet in tests/MedLearn.Torch.Tests/SerializationTests.cs)."""
import torch


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)
        self.bn = torch.nn.BatchNorm2d(4)
        self.fc = torch.nn.Linear(4, 2)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        return self.fc(x.mean((2, 3)))
