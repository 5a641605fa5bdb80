"""Golden values for MedLearn.Torch.Nn: functional ops, losses, layer initialisation and small models.

Run with Debian's torch: /usr/bin/python3 tools/golden/gen_nn.py  (or tools/golden/regen.sh).

Functional cases are stored uniformly as <case>.in<i> (inputs), <case>.out (first output), <case>.out1
(second output, e.g. pooling indices), <case>.r (projection: backward of sum(out * r)), <case>.grad<i>
(gradient of input i, for every differentiable input) and <case>.post<i> (input i after the call, for
inputs the op updates in place, e.g. running statistics). <case>.seed is the torch.manual_seed set just
before the call for random ops.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from golden import Golden

torch.set_num_threads(1)
g = Golden("nn")
torch.manual_seed(1234)


def randn(*shape, scale=1.0):
    return torch.randn(*shape) * scale


def case(name, fn, inputs, diff=None, mutated=(), seed=None):
    """Runs fn(*inputs), records inputs, outputs, input gradients of sum(out * r) and mutated inputs."""
    if diff is None:
        diff = [i for i, t in enumerate(inputs) if t.is_floating_point()]
    ins = []
    for i, t in enumerate(inputs):
        g.tensor(f"{name}.in{i}", t)
        c = t.clone()
        if i in diff:
            c.requires_grad_(True)
        ins.append(c)
    if seed is not None:
        g.value(f"{name}.seed", seed)
        torch.manual_seed(seed)
    out = fn(*ins)
    if isinstance(out, tuple):
        g.tensor(f"{name}.out1", out[1])
        out = out[0]
    g.tensor(f"{name}.out", out)
    for i in mutated:
        g.tensor(f"{name}.post{i}", ins[i])
    if diff and out.requires_grad:
        r = torch.randn_like(out)
        g.tensor(f"{name}.r", r)
        (out * r).sum().backward()
        for i in diff:
            if ins[i].grad is not None:
                g.tensor(f"{name}.grad{i}", ins[i].grad)


# --- convolutions -----------------------------------------------------------------------------------
case("conv1d", lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1), [randn(2, 3, 10), randn(4, 3, 3), randn(4)])
case("conv1d_same", lambda x, w, b: F.conv1d(x, w, b, padding="same", dilation=2), [randn(2, 3, 9), randn(4, 3, 3), randn(4)])
case("conv2d", lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2),
     [randn(2, 4, 7, 6), randn(6, 2, 3, 3), randn(6)])
case("conv2d_nobias", lambda x, w: F.conv2d(x, w, None, padding=1), [randn(1, 3, 5, 5), randn(2, 3, 3, 3)])
case("conv2d_same", lambda x, w, b: F.conv2d(x, w, b, padding="same"), [randn(1, 2, 6, 6), randn(3, 2, 4, 4), randn(3)])
case("conv3d", lambda x, w, b: F.conv3d(x, w, b, stride=2, padding=1), [randn(1, 2, 5, 4, 6), randn(3, 2, 3, 3, 3), randn(3)])
case("conv3d_groups", lambda x, w: F.conv3d(x, w, None, padding=2, dilation=2, groups=4), [randn(1, 4, 5, 5, 5), randn(4, 1, 3, 3, 3)])
case("conv_transpose1d", lambda x, w, b: F.conv_transpose1d(x, w, b, stride=2, padding=1, output_padding=1),
     [randn(1, 3, 5), randn(3, 2, 3), randn(2)])
case("conv_transpose2d", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1, groups=2),
     [randn(2, 4, 4, 5), randn(4, 3, 3, 3), randn(6)])
case("conv_transpose2d_dil", lambda x, w: F.conv_transpose2d(x, w, None, dilation=2), [randn(1, 2, 3, 4), randn(2, 3, 3, 2)])
case("conv_transpose3d", lambda x, w, b: F.conv_transpose3d(x, w, b, stride=2), [randn(1, 2, 3, 4, 3), randn(2, 3, 2, 2, 2), randn(3)])
case("conv_transpose3d_pad", lambda x, w, b: F.conv_transpose3d(x, w, b, stride=2, padding=1, output_padding=1),
     [randn(1, 2, 3, 3, 2), randn(2, 2, 3, 3, 3), randn(2)])
case("linear", lambda x, w, b: F.linear(x, w, b), [randn(3, 5), randn(4, 5), randn(4)])
case("linear_3d", lambda x, w: F.linear(x, w), [randn(2, 3, 5), randn(4, 5)])

# --- normalisation ----------------------------------------------------------------------------------
def bn_inputs(*shape):
    c = shape[1]
    return [randn(*shape, scale=2) + 1, randn(c) * 0.1, torch.rand(c) + 0.5, randn(c), randn(c)]

case("batch_norm_train", lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5),
     bn_inputs(4, 3, 2, 2), diff=[0, 3, 4], mutated=[1, 2])
case("batch_norm_eval", lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b, training=False, eps=1e-3),
     bn_inputs(4, 3, 2, 2), diff=[0, 3, 4], mutated=[1, 2])
case("batch_norm_1d", lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.3),
     bn_inputs(5, 3), diff=[0, 3, 4], mutated=[1, 2])
case("batch_norm_3d", lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b, training=True),
     bn_inputs(2, 3, 2, 2, 2), diff=[0, 3, 4], mutated=[1, 2])
case("instance_norm", lambda x, w, b: F.instance_norm(x, weight=w, bias=b), [randn(2, 3, 4, 4), randn(3), randn(3)])
case("instance_norm_3d", lambda x, rm, rv: F.instance_norm(x, rm, rv, use_input_stats=True, momentum=0.2),
     [randn(2, 3, 3, 3, 3), randn(3) * 0.1, torch.rand(3) + 0.5], diff=[0], mutated=[1, 2])
case("group_norm", lambda x, w, b: F.group_norm(x, 3, w, b), [randn(2, 6, 3, 3), randn(6), randn(6)])
case("group_norm_3d", lambda x, w, b: F.group_norm(x, 2, w, b, eps=1e-3), [randn(2, 4, 2, 3, 2), randn(4), randn(4)])
case("layer_norm", lambda x, w, b: F.layer_norm(x, [3, 4], w, b), [randn(2, 3, 4), randn(3, 4), randn(3, 4)])
case("layer_norm_noaffine", lambda x: F.layer_norm(x, [4]), [randn(2, 3, 4)])

# --- activations, softmax, dropout --------------------------------------------------------------------
act_x = lambda: randn(3, 4, scale=2)
case("relu", F.relu, [act_x()])
case("relu6", F.relu6, [act_x() * 3])
case("hardtanh", lambda x: F.hardtanh(x, -0.5, 1.5), [act_x()])
case("leaky_relu", lambda x: F.leaky_relu(x, 0.2), [act_x()])
case("gelu", F.gelu, [act_x()])
case("gelu_tanh", lambda x: F.gelu(x, approximate="tanh"), [act_x()])
case("elu", lambda x: F.elu(x, 0.7), [act_x()])
case("silu", F.silu, [act_x()])
case("sigmoid", torch.sigmoid, [act_x()])
case("tanh", torch.tanh, [act_x()])
case("softmax", lambda x: F.softmax(x, dim=1), [act_x()])
case("log_softmax", lambda x: F.log_softmax(x, dim=-1), [randn(2, 3, 4)])
case("dropout", lambda x: F.dropout(x, 0.3, training=True), [randn(4, 5)], seed=11)
case("dropout_eval", lambda x: F.dropout(x, 0.3, training=False), [randn(4, 5)])
case("dropout2d", lambda x: F.dropout2d(x, 0.5, training=True), [randn(2, 4, 3, 3)], seed=12)
case("dropout3d", lambda x: F.dropout3d(x, 0.5, training=True), [randn(2, 4, 2, 2, 2)], seed=13)
case("flatten", lambda x: torch.flatten(x, 1, 2), [randn(2, 3, 4, 2)])

# --- pooling --------------------------------------------------------------------------------------------
case("max_pool1d", lambda x: F.max_pool1d(x, 3, 2, 1, ceil_mode=True), [randn(2, 3, 9)])
case("max_pool2d", lambda x: F.max_pool2d(x, 3, 2, 1), [randn(2, 3, 7, 6)])
case("max_pool2d_dil", lambda x: F.max_pool2d(x, 2, dilation=2, ceil_mode=True), [randn(1, 2, 7, 7)])
case("max_pool2d_indices", lambda x: F.max_pool2d(x, (2, 3), (2, 2), return_indices=True), [randn(1, 2, 6, 7)])
case("max_pool3d", lambda x: F.max_pool3d(x, 2, 2, ceil_mode=True), [randn(1, 2, 5, 5, 4)])
case("max_pool3d_pad", lambda x: F.max_pool3d(x, 3, 2, 1), [randn(1, 2, 5, 4, 5)])
case("avg_pool2d", lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), [randn(2, 3, 7, 6)])
case("avg_pool2d_incl", lambda x: F.avg_pool2d(x, 3, 2, 1), [randn(2, 3, 7, 6)])
case("avg_pool2d_div", lambda x: F.avg_pool2d(x, 2, divisor_override=3), [randn(1, 2, 4, 6)])
case("avg_pool3d", lambda x: F.avg_pool3d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), [randn(1, 2, 5, 5, 5)])
case("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 2)), [randn(2, 3, 7, 5)])
case("adaptive_avg_pool3d", lambda x: F.adaptive_avg_pool3d(x, (2, 3, 2)), [randn(1, 2, 5, 4, 3)])
case("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (3, 2), return_indices=True), [randn(2, 3, 7, 5)])

# --- resampling ---------------------------------------------------------------------------------------
case("interp_nearest_size", lambda x: F.interpolate(x, size=(5, 7), mode="nearest"), [randn(1, 2, 3, 4)])
case("interp_nearest_scale3d", lambda x: F.interpolate(x, scale_factor=2, mode="nearest"), [randn(1, 2, 2, 3, 2)])
case("interp_bilinear_ac", lambda x: F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=True), [randn(1, 2, 3, 4)])
case("interp_bilinear_scale", lambda x: F.interpolate(x, scale_factor=1.5, mode="bilinear", align_corners=False), [randn(1, 2, 3, 4)])
case("interp_bilinear_down", lambda x: F.interpolate(x, size=(3, 2), mode="bilinear"), [randn(2, 1, 7, 5)])
case("interp_trilinear", lambda x: F.interpolate(x, scale_factor=(2, 1.5, 2), mode="trilinear", align_corners=False), [randn(1, 2, 2, 3, 2)])
case("interp_trilinear_ac", lambda x: F.interpolate(x, size=(3, 4, 5), mode="trilinear", align_corners=True), [randn(1, 1, 2, 3, 2)])
case("interp_linear", lambda x: F.interpolate(x, size=7, mode="linear"), [randn(2, 2, 4)])
case("interp_bicubic", lambda x: F.interpolate(x, scale_factor=2, mode="bicubic", align_corners=False), [randn(1, 1, 3, 4)])
case("interp_area", lambda x: F.interpolate(x, scale_factor=0.5, mode="area"), [randn(1, 2, 6, 4)])
case("interp_nearest_exact", lambda x: F.interpolate(x, size=(5, 3), mode="nearest-exact"), [randn(1, 1, 3, 4)])
case("affine_grid", lambda t: F.affine_grid(t, [2, 3, 4, 5], align_corners=False), [randn(2, 2, 3)])
case("affine_grid_ac", lambda t: F.affine_grid(t, [1, 1, 3, 2], align_corners=True), [randn(1, 2, 3)])
case("affine_grid_3d", lambda t: F.affine_grid(t, [1, 2, 3, 4, 5], align_corners=False), [randn(1, 3, 4)])
grid2 = lambda *s: torch.rand(*s) * 2.4 - 1.2
case("grid_sample", lambda x, gr: F.grid_sample(x, gr, "bilinear", "zeros", align_corners=False), [randn(1, 2, 4, 5), grid2(1, 3, 3, 2)])
case("grid_sample_nearest_border", lambda x, gr: F.grid_sample(x, gr, "nearest", "border", align_corners=False), [randn(1, 2, 4, 5), grid2(1, 3, 3, 2)], diff=[0])
case("grid_sample_reflection", lambda x, gr: F.grid_sample(x, gr, "bilinear", "reflection", align_corners=True), [randn(2, 2, 4, 5), grid2(2, 3, 2, 2)])
case("grid_sample_bicubic", lambda x, gr: F.grid_sample(x, gr, "bicubic", "border", align_corners=False), [randn(1, 1, 4, 5), grid2(1, 2, 3, 2)])
case("grid_sample_3d", lambda x, gr: F.grid_sample(x, gr, "bilinear", "zeros", align_corners=False), [randn(1, 2, 3, 4, 5), grid2(1, 2, 3, 2, 3)])
case("pad_constant", lambda x: F.pad(x, (1, 2, 0, 1), value=0.5), [randn(1, 2, 3, 3)])
case("pad_reflect", lambda x: F.pad(x, (2, 1, 1, 2), mode="reflect"), [randn(1, 2, 3, 4)])
case("pad_replicate3d", lambda x: F.pad(x, (1, 1, 2, 0, 1, 1), mode="replicate"), [randn(1, 2, 2, 3, 3)])
case("pad_circular", lambda x: F.pad(x, (1, 2, 2, 1), mode="circular"), [randn(1, 1, 3, 4)])
case("pixel_shuffle", lambda x: F.pixel_shuffle(x, 2), [randn(1, 8, 2, 3)])
case("pixel_unshuffle", lambda x: F.pixel_unshuffle(x, 2), [randn(1, 2, 4, 6)])

# --- losses -------------------------------------------------------------------------------------------
logits = lambda *s: randn(*s, scale=1.5)
ce_t = torch.tensor([0, 3, 1, 2, 2])
w4 = torch.rand(4) + 0.5
case("ce", lambda x, t: F.cross_entropy(x, t), [logits(5, 4), ce_t])
case("ce_weight_sum", lambda x, t, w: F.cross_entropy(x, t, w, reduction="sum"), [logits(5, 4), ce_t, w4], diff=[0])
case("ce_smooth", lambda x, t, w: F.cross_entropy(x, t, w, label_smoothing=0.1), [logits(5, 4), ce_t, w4], diff=[0])
case("ce_ignore", lambda x, t, w: F.cross_entropy(x, t, w, ignore_index=2, label_smoothing=0.2), [logits(5, 4), ce_t, w4], diff=[0])
case("ce_none", lambda x, t: F.cross_entropy(x, t, reduction="none", ignore_index=3), [logits(5, 4), ce_t])
case("ce_probs", lambda x, t, w: F.cross_entropy(x, t, w, label_smoothing=0.15), [logits(5, 4), F.softmax(randn(5, 4), 1), w4], diff=[0])
case("ce_nd", lambda x, t: F.cross_entropy(x, t, label_smoothing=0.05), [logits(2, 3, 4, 4), torch.randint(0, 3, (2, 4, 4))])
case("nll", lambda x, t, w: F.nll_loss(x, t, w, ignore_index=2), [F.log_softmax(logits(5, 4), 1), ce_t, w4], diff=[0])
case("nll_none", lambda x, t: F.nll_loss(x, t, reduction="none"), [F.log_softmax(logits(5, 4), 1), ce_t])
case("nll_nd", lambda x, t: F.nll_loss(x, t), [F.log_softmax(logits(2, 3, 3, 2), 1), torch.randint(0, 3, (2, 3, 2))])
case("bce", lambda x, t: F.binary_cross_entropy(x, t), [torch.rand(3, 4) * 0.9 + 0.05, torch.rand(3, 4)])
case("bce_weight_sum", lambda x, t, w: F.binary_cross_entropy(x, t, w, reduction="sum"), [torch.rand(3, 4) * 0.9 + 0.05, torch.rand(3, 4), w4], diff=[0])
case("bce_none", lambda x, t: F.binary_cross_entropy(x, t, reduction="none"), [torch.rand(3, 4) * 0.9 + 0.05, (torch.rand(3, 4) > 0.5).float()], diff=[0])
case("bce_logits", lambda x, t: F.binary_cross_entropy_with_logits(x, t), [logits(3, 4), torch.rand(3, 4)])
case("bce_logits_pos", lambda x, t, w, pw: F.binary_cross_entropy_with_logits(x, t, w, pos_weight=pw),
     [logits(3, 4), (torch.rand(3, 4) > 0.5).float(), torch.rand(3, 1) + 0.5, w4], diff=[0])
case("bce_logits_none", lambda x, t, pw: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction="none"),
     [logits(2, 4), torch.rand(2, 4), w4], diff=[0])
case("mse", lambda x, t: F.mse_loss(x, t), [randn(3, 4), randn(3, 4)])
case("mse_sum", lambda x, t: F.mse_loss(x, t, reduction="sum"), [randn(2, 3, 2), randn(2, 3, 2)])
case("l1", lambda x, t: F.l1_loss(x, t), [randn(3, 4), randn(3, 4)])
case("l1_none", lambda x, t: F.l1_loss(x, t, reduction="none"), [randn(3, 4), randn(3, 4)])
case("smooth_l1", lambda x, t: F.smooth_l1_loss(x, t, beta=0.5), [randn(3, 4), randn(3, 4)])
case("smooth_l1_beta0", lambda x, t: F.smooth_l1_loss(x, t, beta=0.0, reduction="sum"), [randn(3, 4), randn(3, 4)])
case("huber", lambda x, t: F.huber_loss(x, t, delta=0.7), [randn(3, 4), randn(3, 4)])
case("kl_batchmean", lambda x, t: F.kl_div(x, t, reduction="batchmean"), [F.log_softmax(randn(3, 4), 1), F.softmax(randn(3, 4), 1)])
case("kl_logtarget_sum", lambda x, t: F.kl_div(x, t, reduction="sum", log_target=True), [F.log_softmax(randn(3, 4), 1), F.log_softmax(randn(3, 4), 1)])
case("kl_mean", lambda x, t: F.kl_div(x, t, reduction="mean"), [F.log_softmax(randn(3, 4), 1), F.softmax(randn(3, 4), 1)])
case("kl_none", lambda x, t: F.kl_div(x, t, reduction="none"), [F.log_softmax(randn(2, 3), 1), torch.tensor([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]])], diff=[0])

# --- initialisation -------------------------------------------------------------------------------------
torch.manual_seed(42)
init_layers = [
    ("linear", nn.Linear(5, 3)),
    ("linear_nobias", nn.Linear(4, 2, bias=False)),
    ("conv1d", nn.Conv1d(2, 3, 5, bias=False)),
    ("conv2d", nn.Conv2d(3, 4, 3)),
    ("conv2d_groups", nn.Conv2d(4, 6, (3, 2), groups=2)),
    ("conv3d", nn.Conv3d(2, 3, (3, 2, 1))),
    ("convt2d", nn.ConvTranspose2d(4, 2, 3, stride=2)),
    ("convt3d", nn.ConvTranspose3d(2, 4, 2, stride=2, groups=2)),
]
for name, layer in init_layers:
    for k, v in layer.state_dict().items():
        g.tensor(f"init.{name}.{k}", v)

torch.manual_seed(7)
t = torch.empty(4, 6)
nn.init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu")
g.tensor("init.kaiming_normal", t)
t = torch.empty(3, 2, 3, 3)
nn.init.kaiming_uniform_(t, a=0.1)
g.tensor("init.kaiming_uniform", t)
t = torch.empty(5, 7)
nn.init.xavier_uniform_(t, gain=nn.init.calculate_gain("tanh"))
g.tensor("init.xavier_uniform", t)
t = torch.empty(5, 2, 3)
nn.init.xavier_normal_(t, gain=0.5)
g.tensor("init.xavier_normal", t)
t = torch.empty(6, 5)
nn.init.trunc_normal_(t, mean=0.5, std=1.0, a=-1.0, b=1.5)
g.tensor("init.trunc_normal", t)
g.value("init.gains", [nn.init.calculate_gain(n, p) for n, p in
                       [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
                        ("leaky_relu", 0.2), ("selu", None), ("conv2d", None)]])

# --- module structure --------------------------------------------------------------------------------
class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(),
                                      nn.Sequential(nn.Conv2d(4, 4, 1, bias=False), nn.GroupNorm(2, 4)))
        self.heads = nn.ModuleList([nn.Linear(4, 2), nn.Linear(4, 3)])
        self.norm = nn.LayerNorm(4)
        self.inorm = nn.InstanceNorm2d(4, affine=True, track_running_stats=True)
        self.fc = nn.Linear(4, 2)


net = SmallNet()
g.value("smallnet.keys", list(net.state_dict().keys()))
g.value("smallnet.param_names", [n for n, _ in net.named_parameters()])
g.value("smallnet.param_count", sum(p.numel() for p in net.parameters()))

# BatchNorm running statistics: momentum 0.1 and cumulative (momentum=None) over two batches.
for name, momentum in [("bn_mom", 0.1), ("bn_cum", None)]:
    bn = nn.BatchNorm2d(3, momentum=momentum)
    x1, x2 = randn(4, 3, 2, 3, scale=2) + 1, randn(2, 3, 3, 2) - 0.5
    g.tensor(f"{name}.x1", x1)
    g.tensor(f"{name}.x2", x2)
    g.tensor(f"{name}.y1", bn(x1))
    bn(x2)
    for k, v in bn.state_dict().items():
        g.tensor(f"{name}.{k}", v)
    bn.eval()
    g.tensor(f"{name}.eval_y", bn(x1))

# --- a whole small CNN -----------------------------------------------------------------------------------
torch.manual_seed(2024)
cnn = nn.Sequential(
    nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(4, 6, 3), nn.BatchNorm2d(6), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 5))
g.value("cnn.seed", 2024)
g.value("cnn.keys", list(cnn.state_dict().keys()))
for k, v in cnn.state_dict().items():
    g.tensor(f"cnn.sd.{k}", v)
x = randn(2, 3, 8, 8)
target = torch.tensor([1, 4])
g.tensor("cnn.x", x)
g.tensor("cnn.target", target)
cnn.eval()
g.tensor("cnn.eval_logits", cnn(x))
cnn.train()
logits_ = cnn(x)
loss = F.cross_entropy(logits_, target)
loss.backward()
g.tensor("cnn.logits", logits_)
g.tensor("cnn.loss", loss)
for n, p in cnn.named_parameters():
    g.tensor(f"cnn.grad.{n}", p.grad)
for k, v in cnn.state_dict().items():
    if "running" in k or "num_batches" in k:
        g.tensor(f"cnn.after.{k}", v)

g.save()
