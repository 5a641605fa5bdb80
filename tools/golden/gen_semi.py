"""Golden values for MedLearn.Methods.SemiSupervised and the label-sweep statistics (method 1, SRC-MT).

Writes tests/MedLearn.Tests/Golden/semi.json. The oracle is the SRC-MT reference code's formulas written out in
PyTorch (losses.softmax_mse_loss / relation_mse_loss summed and divided by the batch size, ramps.sigmoid_rampup) and
scipy.stats for the paired tests. Gradients come from torch.autograd.

Cases:
- pred_*: L_pred = (1/B) sum_ic (softmax(zs) - softmax(zt))^2, plain and with class weights w_c; d L / d zs.
- rel_*: L_rel = (1/B) sum_ij (R - R')^2, R = G / ||G_i||, G = F F^T; d L / d Fs. "rel_zero" has an all-zero
  feature row: the reference divides by 0 (NaN); MedLearn uses F.normalize's rule (norm clamped at 1e-12), so
  the oracle for that case is F.normalize(G, dim=1).
- rampup: sigmoid_rampup(t, 30) for several t, and L = 0.
- ttest_*/wilcoxon_*: scipy.stats.ttest_rel and wilcoxon (exact, two-sided, zero_method='wilcox') on paired samples.
"""
import numpy as np
import scipy
import torch
import torch.nn.functional as F
from scipy import stats

from golden import Golden

torch.manual_seed(6)
g = Golden("semi", suite="MedLearn.Tests")
g.value("scipy", scipy.__version__)


def softmax_mse_loss(input_logits, target_logits):  # SRC-MT code/utils/losses.py
    input_softmax = F.softmax(input_logits, dim=1)
    target_softmax = F.softmax(target_logits, dim=1)
    return (input_softmax - target_softmax) ** 2


def relation_mse_loss(activations, ema_activations):  # SRC-MT code/utils/losses.py
    activations = torch.reshape(activations, (activations.shape[0], -1))
    ema_activations = torch.reshape(ema_activations, (ema_activations.shape[0], -1))
    similarity = activations.mm(activations.t())
    norm = torch.reshape(torch.norm(similarity, 2, 1), (-1, 1))
    norm_similarity = similarity / norm
    ema_similarity = ema_activations.mm(ema_activations.t())
    ema_norm = torch.reshape(torch.norm(ema_similarity, 2, 1), (-1, 1))
    ema_norm_similarity = ema_similarity / ema_norm
    return (norm_similarity - ema_norm_similarity) ** 2


def sigmoid_rampup(current, rampup_length):  # SRC-MT code/utils/ramps.py
    if rampup_length == 0:
        return 1.0
    current = np.clip(current, 0.0, rampup_length)
    phase = 1.0 - current / rampup_length
    return float(np.exp(-5.0 * phase * phase))


# --- prediction consistency ---------------------------------------------------------------------------------
b, c = 6, 4
zs = (torch.randn(b, c) * 2).requires_grad_()
zt = torch.randn(b, c) * 2
g.tensor("pred_student", zs)
g.tensor("pred_teacher", zt)
loss = softmax_mse_loss(zs, zt).sum() / b
loss.backward()
g.value("pred_loss", loss.item())
g.tensor("pred_grad", zs.grad)

w = torch.tensor([1.0, 2.0, 0.5, 3.0])
g.tensor("pred_weights", w)
zs.grad = None
loss_w = (softmax_mse_loss(zs, zt) * w[None, :]).sum() / b
loss_w.backward()
g.value("pred_weighted_loss", loss_w.item())
g.tensor("pred_weighted_grad", zs.grad)

# --- relation consistency -----------------------------------------------------------------------------------
b, d = 5, 7
fs = torch.relu(torch.randn(b, d)).requires_grad_()
ft = torch.relu(torch.randn(b, d))
g.tensor("rel_student", fs)
g.tensor("rel_teacher", ft)
loss = relation_mse_loss(fs, ft).sum() / b
loss.backward()
g.value("rel_loss", loss.item())
g.tensor("rel_grad", fs.grad)

fz = torch.relu(torch.randn(4, 3))
fz[2] = 0
ftz = torch.relu(torch.randn(4, 3)) + 0.1
g.tensor("rel_zero_student", fz)
g.tensor("rel_zero_teacher", ftz)
rs = F.normalize(fz.mm(fz.t()), dim=1)
rt = F.normalize(ftz.mm(ftz.t()), dim=1)
g.value("rel_zero_loss", ((rs - rt) ** 2).sum().item() / 4)

# --- ramp-up ------------------------------------------------------------------------------------------------
ts = [-3, 0, 1, 5, 10, 15, 20, 29, 30, 45]
g.value("rampup_t", ts)
g.value("rampup_30", [sigmoid_rampup(t, 30) for t in ts])
g.value("rampup_0", sigmoid_rampup(7, 0))

# --- paired tests (label sweep) -------------------------------------------------------------------------------
cases = {
    "three": ([0.61, 0.55, 0.70], [0.58, 0.57, 0.62]),
    "five": ([0.71, 0.69, 0.75, 0.66, 0.72], [0.65, 0.70, 0.69, 0.61, 0.70]),
    "ties": ([0.50, 0.60, 0.70, 0.80, 0.55, 0.65], [0.45, 0.55, 0.75, 0.70, 0.50, 0.66]),
    "zero": ([0.50, 0.60, 0.70, 0.80], [0.50, 0.58, 0.65, 0.70]),
}
for name, (a, bb) in cases.items():
    a = np.array(a)
    bb = np.array(bb)
    g.value(f"paired_{name}_a", a.tolist())
    g.value(f"paired_{name}_b", bb.tolist())
    t = stats.ttest_rel(a, bb)
    g.value(f"paired_{name}_t", float(t.statistic))
    g.value(f"paired_{name}_t_p", float(t.pvalue))
    # Exact signed-rank distribution over the non-zero differences (zeros dropped: zero_method="wilcox").
    diff = np.round(a - bb, 12)
    nz = diff[diff != 0]
    if len(nz) > 0:
        wres = stats.wilcoxon(nz, zero_method="wilcox", alternative="two-sided", mode="exact")
        g.value(f"paired_{name}_w", float(wres.statistic))
        g.value(f"paired_{name}_w_p", float(wres.pvalue))

g.save()
