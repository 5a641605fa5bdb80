"""Golden per-op call counts of PyTorch's profiler on a tiny conv net (tests/MedLearn.Tests/Profiling).

The net, in functional form so both sides call the same aten entry points (Python's nn.Module wrappers add nothing
the C# modules would mirror): x [2,3,8,8] -> conv2d(3->4, 3x3, pad 1, bias) -> batch_norm (eval, running stats)
-> relu -> max_pool2d(2) -> flatten(1) -> linear(64->5) -> softmax(1). One unprofiled warm-up forward, then one
forward under torch.autograd.profiler.profile() (CPU, no shapes), under no_grad. Values: calls per op name, as
key_averages() counts them, for every op the profiler shows.
"""
import torch
import torch.nn.functional as F

from golden import Golden

torch.set_num_threads(1)
torch.manual_seed(0)
x = torch.randn(2, 3, 8, 8)
w = torch.randn(4, 3, 3, 3)
b = torch.randn(4)
mean, var, gamma, beta = torch.zeros(4), torch.ones(4), torch.ones(4), torch.zeros(4)
lw = torch.randn(5, 64)
lb = torch.randn(5)


def forward():
    h = F.conv2d(x, w, b, stride=1, padding=1)
    h = F.batch_norm(h, mean, var, gamma, beta, training=False, momentum=0.1, eps=1e-5)
    h = F.relu(h)
    h = F.max_pool2d(h, 2)
    h = torch.flatten(h, 1)
    h = F.linear(h, lw, lb)
    return F.softmax(h, 1)


with torch.no_grad():
    forward()
    with torch.autograd.profiler.profile() as prof:
        out = forward()

g = Golden("profiler", suite="MedLearn.Tests")
for name, t in [("x", x), ("w", w), ("b", b), ("lw", lw), ("lb", lb)]:
    g.tensor(name, t)
g.value("calls", {e.key: e.count for e in prof.key_averages()})
g.tensor("out", out)
g.save()
