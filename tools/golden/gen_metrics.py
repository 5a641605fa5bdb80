"""Golden values for MedLearn.Metrics (scikit-learn 1.2 / numpy as the oracle).

Writes tests/MedLearn.Tests/Golden/metrics.json. Each case stores its inputs (targets, probabilities) and sklearn's
answers; the C# tests rebuild the inputs from the stored values and compare every metric at 1e-12.
Undefined values (AUC of a class absent from the targets) are stored as null: JSON has no NaN.

Label-set conventions matched by MedLearn (see the XML docs of each metric):
- per-class precision/recall/F1: labels=range(C), zero_division=0; macro averages use sklearn's default label set
  (classes occurring in targets or predictions); weighted averages weight by support.
- specificity: tn / (tn + fp) from multilabel_confusion_matrix, 0 when there is no negative.
- AUC: per class one-vs-rest roc_auc_score, undefined (null) without positives or negatives; macro = mean of the
  defined ones, class 1's AUC for two classes.
- kappa: cohen_kappa_score(labels=range(C)); log loss: log_loss(eps=1e-15, labels=range(C)).
"""
import warnings

import numpy as np
import sklearn
import torch
from sklearn import metrics as M

from golden import Golden

warnings.filterwarnings("ignore")
g = Golden("metrics", suite="MedLearn.Tests")
g.value("sklearn", sklearn.__version__)
g.value("numpy", np.__version__)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def correlated(rs, n, c, strength=1.5, target_p=None):
    """Targets drawn from target_p and probabilities from noisy logits favouring the true class."""
    y = rs.choice(c, size=n, p=target_p)
    z = rs.randn(n, c)
    z[np.arange(n), y] += strength
    return y, softmax(z)


def nan_to_none(v):
    v = float(v)
    return None if np.isnan(v) else v


def case(name, y, p, cost=None):
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    n, c = p.shape
    labels = list(range(c))
    pred = p.argmax(axis=1)
    g.value(f"{name}_classes", c)
    g.tensor(f"{name}_targets", torch.from_numpy(y))
    g.tensor(f"{name}_probs", torch.from_numpy(p))
    g.tensor(f"{name}_predictions", torch.from_numpy(pred.astype(np.int64)))
    g.tensor(f"{name}_confusion", torch.from_numpy(M.confusion_matrix(y, pred, labels=labels).astype(np.int64)))

    g.value(f"{name}_accuracy", M.accuracy_score(y, pred))
    g.value(f"{name}_balanced_accuracy", M.balanced_accuracy_score(y, pred))

    prec, rec, f1, _ = M.precision_recall_fscore_support(y, pred, labels=labels, average=None, zero_division=0)
    g.tensor(f"{name}_precision", torch.from_numpy(prec))
    g.tensor(f"{name}_recall", torch.from_numpy(rec))
    g.tensor(f"{name}_f1", torch.from_numpy(f1))
    for avg in ("macro", "weighted"):
        ap, ar, af, _ = M.precision_recall_fscore_support(y, pred, average=avg, zero_division=0)
        g.value(f"{name}_{avg}_precision", ap)
        g.value(f"{name}_{avg}_recall", ar)
        g.value(f"{name}_{avg}_f1", af)

    mcm = M.multilabel_confusion_matrix(y, pred, labels=labels)
    tn, fp = mcm[:, 0, 0], mcm[:, 0, 1]
    spec = np.array([t / (t + f) if t + f > 0 else 0.0 for t, f in zip(tn, fp)])
    g.tensor(f"{name}_specificity", torch.from_numpy(spec))
    observed = np.unique(np.concatenate([y, pred]))
    support = np.bincount(y, minlength=c)
    g.value(f"{name}_macro_specificity", float(np.mean(spec[observed])))
    g.value(f"{name}_weighted_specificity", float(np.average(spec, weights=support)))

    aucs = []
    for k in range(c):
        yk = (y == k).astype(np.int64)
        if 0 < yk.sum() < n:
            fpr, tpr, thr = M.roc_curve(yk, p[:, k])  # drop_intermediate=True (default)
            g.tensor(f"{name}_roc{k}_fpr", torch.from_numpy(fpr))
            g.tensor(f"{name}_roc{k}_tpr", torch.from_numpy(tpr))
            g.tensor(f"{name}_roc{k}_thresholds", torch.from_numpy(thr))
            aucs.append(M.roc_auc_score(yk, p[:, k]))
        else:
            aucs.append(np.nan)
    g.value(f"{name}_auc", [nan_to_none(a) for a in aucs])
    if c == 2:
        macro_auc = M.roc_auc_score(y, p[:, 1]) if 0 < y.sum() < n else np.nan
    else:
        macro_auc = np.nanmean(aucs) if not np.all(np.isnan(aucs)) else np.nan
        if not np.any(np.isnan(aucs)):
            assert abs(macro_auc - M.roc_auc_score(y, p, multi_class="ovr", average="macro")) < 1e-12
    g.value(f"{name}_macro_auc", nan_to_none(macro_auc))

    for w in (None, "linear", "quadratic"):
        g.value(f"{name}_kappa_{w or 'none'}", nan_to_none(M.cohen_kappa_score(y, pred, labels=labels, weights=w)))
    g.value(f"{name}_log_loss", M.log_loss(y, p, eps=1e-15, labels=labels))

    if cost is not None:
        cost = np.asarray(cost, dtype=np.float64)
        g.value(f"{name}_cost", cost.tolist())
        g.value(f"{name}_weighted_error", float(np.mean(cost[y, pred])))


rs = np.random.RandomState(20240501)

# binary, well separated but imperfect
y, p = correlated(rs, 40, 2, strength=1.2)
case("binary", y, p, cost=[[0, 5], [1, 0]])

# binary with quantised scores: many ties in the ROC
y = rs.randint(0, 2, size=36)
q = np.clip(np.round(0.5 + 0.3 * (y - 0.5) + 0.25 * rs.randn(36), 1), 0.0, 1.0)
case("binary_ties", y, np.stack([1 - q, q], axis=1))

# four classes
y, p = correlated(rs, 60, 4, strength=1.3)
case("four", y, p, cost=[[0, 1, 2, 3], [1, 0, 1, 2], [2, 1, 0, 1], [3, 2, 1, 0]])

# four classes, class 3 present in the targets but never predicted
y, p = correlated(rs, 50, 4, strength=1.0)
p[:, 3] *= 0.05
p /= p.sum(axis=1, keepdims=True)
assert (p.argmax(axis=1) != 3).all() and (y == 3).any()
case("absent_pred", y, p)

# four classes, class 2 absent from the targets (predicted sometimes): its AUC is undefined
y, p = correlated(rs, 50, 4, strength=1.0, target_p=[0.4, 0.3, 0.0, 0.3])
assert (p.argmax(axis=1) == 2).any() and not (y == 2).any()
case("absent_target", y, p)

# four classes, class 3 absent from targets and predictions: excluded from the macro averages
y, p = correlated(rs, 48, 4, strength=1.4, target_p=[0.3, 0.4, 0.3, 0.0])
p[:, 3] *= 0.01
p /= p.sum(axis=1, keepdims=True)
assert not (p.argmax(axis=1) == 3).any() and not (y == 3).any()
case("absent_both", y, p)

# three classes, rows from a small set: ties in the scores and arg-max ties (first maximum wins)
rows = np.array([[0.5, 0.3, 0.2], [0.2, 0.5, 0.3], [0.4, 0.4, 0.2], [0.25, 0.25, 0.5], [0.1, 0.6, 0.3],
                 [0.6, 0.2, 0.2], [0.3, 0.3, 0.4], [1.0, 0.0, 0.0]])
idx = rs.randint(0, len(rows), size=45)
y = np.where(rs.rand(45) < 0.6, rows[idx].argmax(axis=1), rs.randint(0, 3, size=45))
case("ties", y, rows[idx])

# five ordinal classes, predictions near the target: weighted kappas differ
y = rs.randint(0, 5, size=200)
centre = np.clip(y + rs.choice([-1, 0, 0, 0, 1, 2], size=200), 0, 4)
z = -0.8 * (np.arange(5)[None, :] - centre[:, None]) ** 2 + 0.7 * rs.randn(200, 5)
case("five", y, softmax(z), cost=[[0, 1, 1, 2, 4], [1, 0, 1, 1, 2], [2, 1, 0, 1, 2], [4, 2, 1, 0, 1], [8, 4, 2, 1, 0]])

# bootstrap: the same SplitMix64 stream and Lemire bounded draws as MedLearn's BootstrapConfidenceInterval, the
# headline metrics of ClassificationEvaluation per resample (undefined ones skipped), numpy's percentile.
MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        m = (self.next64() >> 32) * n
        low = m & 0xFFFFFFFF
        if low < n:
            threshold = ((1 << 32) - n) % n
            while low < threshold:
                m = (self.next64() >> 32) * n
                low = m & 0xFFFFFFFF
        return m >> 32


def headline(y, p):
    c = p.shape[1]
    pred = p.argmax(axis=1)
    aucs = [M.roc_auc_score(y == k, p[:, k]) if 0 < (y == k).sum() < len(y) else np.nan for k in range(c)]
    if c == 2:
        macro_auc = aucs[1]
    else:
        macro_auc = np.nan if np.all(np.isnan(aucs)) else np.nanmean(aucs)
    return [M.accuracy_score(y, pred), M.balanced_accuracy_score(y, pred),
            M.f1_score(y, pred, average="macro", zero_division=0), macro_auc,
            M.cohen_kappa_score(y, pred, labels=list(range(c)), weights="quadratic")]


def bootstrap(name, y, p, resamples, seed, level=0.95):
    y = np.asarray(y, dtype=np.int64)
    n = len(y)
    rng = SplitMix64(seed)
    values = [[] for _ in range(5)]
    for _ in range(resamples):
        idx = np.array([rng.below(n) for _ in range(n)])
        for m, v in enumerate(headline(y[idx], p[idx])):
            if np.isfinite(v):
                values[m].append(v)
    lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    g.value(f"{name}_boot_resamples", resamples)
    g.value(f"{name}_boot_seed", seed)
    g.value(f"{name}_boot_estimate", [nan_to_none(v) for v in headline(y, p)])
    g.value(f"{name}_boot_used", [len(v) for v in values])
    g.value(f"{name}_boot_lower", [float(np.percentile(v, lo)) if v else None for v in values])
    g.value(f"{name}_boot_upper", [float(np.percentile(v, hi)) if v else None for v in values])


y, p = correlated(rs, 30, 4, strength=1.3)
case("boot_four", y, p)
bootstrap("boot_four", y, p, 120, 7)
# binary with a single positive: about a third of the resamples have no positive (AUC undefined, skipped)
y = np.array([0] * 11 + [1])
q = np.round(rs.rand(12), 3)
case("boot_rare", y, np.stack([1 - q, q], axis=1))
bootstrap("boot_rare", y, np.stack([1 - q, q], axis=1), 150, 3)

# latency summary: numpy's mean / median / percentile(95, linear) / min / max after 3 warm-up values
lat = np.round(rs.gamma(4.0, 2.5, size=23), 4)
g.value("latency_ms", lat.tolist())
kept = lat[3:]
g.value("latency_warmup", 3)
g.value("latency_mean", float(np.mean(kept)))
g.value("latency_median", float(np.median(kept)))
g.value("latency_p95", float(np.percentile(kept, 95)))
g.value("latency_min", float(np.min(kept)))
g.value("latency_max", float(np.max(kept)))
lat_even = kept[:16]
g.value("latency_even_median", float(np.median(lat_even)))
g.value("latency_even_p95", float(np.percentile(lat_even, 95)))
g.value("latency_even_p2_5", float(np.percentile(lat_even, 2.5)))
g.value("latency_even_p97_5", float(np.percentile(lat_even, 97.5)))

g.save()
