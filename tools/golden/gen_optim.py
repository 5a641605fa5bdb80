"""Golden values for MedLearn.Torch.Optim: optimiser trajectories, gradient clipping, LR scheduler sequences.

Optimisers: parameters w (3x4) and b (4) start from fixed values; at every step the gradients are set directly from
fixed tensors grad.w.k / grad.b.k (b has no gradient at the steps listed in SKIP_B, so it must be skipped). The C#
tests build the same optimiser configuration (OptimizerTests.Make) and compare the parameters after every step.
"""
import math

import torch

from golden import Golden

torch.manual_seed(0)
g = Golden("optim")

STEPS = 5
W0 = torch.randn(3, 4)
B0 = torch.randn(4)
GW = [torch.randn(3, 4) for _ in range(STEPS)]
GB = [torch.randn(4) for _ in range(STEPS)]
g.tensor("init.w", W0)
g.tensor("init.b", B0)
for k in range(STEPS):
    g.tensor(f"grad.w.{k}", GW[k])
    g.tensor(f"grad.b.{k}", GB[k])


def make(name, w, b, foreach):
    o = torch.optim
    f = dict(foreach=foreach)
    return {
        "sgd": lambda: o.SGD([w, b], lr=0.1, **f),
        "sgd_momentum": lambda: o.SGD([w, b], lr=0.1, momentum=0.9, **f),
        "sgd_nesterov": lambda: o.SGD([w, b], lr=0.1, momentum=0.9, nesterov=True, **f),
        "sgd_dampening": lambda: o.SGD([w, b], lr=0.1, momentum=0.9, dampening=0.3, **f),
        "sgd_weight_decay": lambda: o.SGD([w, b], lr=0.1, momentum=0.9, weight_decay=0.01, **f),
        "sgd_maximize": lambda: o.SGD([w, b], lr=0.1, weight_decay=0.1, maximize=True, **f),
        "sgd_groups": lambda: o.SGD([{"params": [w]}, {"params": [b], "lr": 0.01, "momentum": 0.5}], lr=0.1, momentum=0.9, **f),
        "adam": lambda: o.Adam([w, b], lr=0.01, **f),
        "adam_weight_decay": lambda: o.Adam([w, b], lr=0.01, weight_decay=0.1, **f),
        "adam_amsgrad": lambda: o.Adam([w, b], lr=0.01, betas=(0.8, 0.99), amsgrad=True, **f),
        "adam_maximize": lambda: o.Adam([w, b], lr=0.01, eps=1e-3, maximize=True, **f),
        "adam_groups": lambda: o.Adam([{"params": [w], "lr": 0.05, "betas": (0.5, 0.9)}, {"params": [b]}], lr=0.01, **f),
        "adamw": lambda: o.AdamW([w, b], lr=0.01, weight_decay=0.1, **f),
        "adamw_amsgrad": lambda: o.AdamW([w, b], lr=0.01, amsgrad=True, **f),
    }[name]()


SKIP_B = {2}  # steps at which b has no gradient


def run(name, foreach):
    w = W0.clone().requires_grad_()
    b = B0.clone().requires_grad_()
    opt = make(name, w, b, foreach)
    out = []
    for k in range(STEPS):
        opt.zero_grad(set_to_none=True)
        w.grad = GW[k].clone()
        if k not in SKIP_B:
            b.grad = GB[k].clone()
        opt.step()
        out.append((w.detach().clone(), b.detach().clone()))
    return opt, out


names = ["sgd", "sgd_momentum", "sgd_nesterov", "sgd_dampening", "sgd_weight_decay", "sgd_maximize", "sgd_groups",
         "adam", "adam_weight_decay", "adam_amsgrad", "adam_maximize", "adam_groups", "adamw", "adamw_amsgrad"]
g.value("optimizers", names)
g.value("skip_b", sorted(SKIP_B))
for name in names:
    opt, out = run(name, foreach=None)
    _, out_fe = run(name, foreach=True)
    for (w1, b1), (w2, b2) in zip(out, out_fe):  # the foreach path the shim mirrors gives the same numbers
        assert torch.allclose(w1, w2, rtol=1e-6, atol=1e-7) and torch.allclose(b1, b2, rtol=1e-6, atol=1e-7), name
    for k, (w, b) in enumerate(out):
        g.tensor(f"{name}.w.{k}", w)
        g.tensor(f"{name}.b.{k}", b)
    sd = opt.state_dict()
    g.value(f"{name}.group_keys", [k for k in sd["param_groups"][0].keys() if k not in ("foreach", "capturable", "differentiable", "fused")])
    g.value(f"{name}.state_keys", {str(i): sorted(s.keys()) for i, s in sd["state"].items()})
    if "step" in sd["state"][0]:
        g.value(f"{name}.steps", {str(i): float(s["step"]) for i, s in sd["state"].items()})

# --- gradient clipping ----------------------------------------------------------------------------------------
grads = [torch.randn(3, 4), torch.randn(5), torch.randn(2, 2, 2)]
for i, t in enumerate(grads):
    g.tensor(f"clip.grad.{i}", t)
for norm_type in [2.0, 1.0, 3.0, math.inf]:
    for max_norm in [0.5, 100.0]:
        ps = [torch.zeros_like(t).requires_grad_() for t in grads]
        for p, t in zip(ps, grads):
            p.grad = t.clone()
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
        key = f"clip.{'inf' if math.isinf(norm_type) else int(norm_type)}.{max_norm}"
        g.tensor(f"{key}.total", total)
        for i, p in enumerate(ps):
            g.tensor(f"{key}.grad.{i}", p.grad)
ps = [torch.zeros_like(t).requires_grad_() for t in grads]
for p, t in zip(ps, grads):
    p.grad = t.clone()
torch.nn.utils.clip_grad_value_(ps, 0.3)
for i, p in enumerate(ps):
    g.tensor(f"clipvalue.grad.{i}", p.grad)

# --- LR schedulers --------------------------------------------------------------------------------------------
S = torch.optim.lr_scheduler
SCHED_STEPS = 40
METRICS = [1.0, 0.9, 0.85, 0.86, 0.849, 0.85, 0.84, 0.845, 0.846, 0.7, 0.71, 0.72, 0.73, 0.69, 0.695, 0.7, 0.7,
           0.68, 0.681, 0.682, 0.683, 0.684, 0.5, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56, 0.57, 0.4, 0.41, 0.42, 0.43,
           0.44, 0.45, 0.46, 0.47, 0.48, 0.49]
assert len(METRICS) == SCHED_STEPS
g.value("metrics", METRICS)


def sched(name, opt):
    return {
        "step": lambda: S.StepLR(opt, step_size=7, gamma=0.5),
        "multistep": lambda: S.MultiStepLR(opt, milestones=[5, 12, 12, 30], gamma=0.3),
        "exponential": lambda: S.ExponentialLR(opt, gamma=0.93),
        "cosine": lambda: S.CosineAnnealingLR(opt, T_max=10, eta_min=0.001),
        "polynomial": lambda: S.PolynomialLR(opt, total_iters=25, power=2.0),
        "linear": lambda: S.LinearLR(opt, start_factor=0.1, end_factor=1.0, total_iters=8),
        "lambda": lambda: S.LambdaLR(opt, lambda e: 1.0 / (1.0 + 0.1 * e)),
        "sequential": lambda: S.SequentialLR(opt, [S.LinearLR(opt, start_factor=0.01, total_iters=5),
                                                   S.CosineAnnealingLR(opt, T_max=20)], milestones=[5]),
        "sequential3": lambda: S.SequentialLR(opt, [S.LinearLR(opt, start_factor=0.2, total_iters=4),
                                                    S.StepLR(opt, step_size=3, gamma=0.5),
                                                    S.ExponentialLR(opt, gamma=0.9)], milestones=[4, 15]),
        "plateau": lambda: S.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2, threshold=0.01,
                                               cooldown=1, min_lr=[0.01, 0.002]),
        "plateau_max_abs": lambda: S.ReduceLROnPlateau(opt, mode="max", factor=0.3, patience=1, threshold=0.05,
                                                       threshold_mode="abs"),
    }[name]()


sched_names = ["step", "multistep", "exponential", "cosine", "polynomial", "linear", "lambda", "sequential",
               "sequential3", "plateau", "plateau_max_abs"]
g.value("schedulers", sched_names)
for name in sched_names:
    a = torch.zeros(1, requires_grad=True)
    c = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([{"params": [a]}, {"params": [c], "lr": 0.05}], lr=0.1, momentum=0.9)
    s = sched(name, opt)
    plateau = name.startswith("plateau")
    lrs = [[grp["lr"] for grp in opt.param_groups]]
    for k in range(SCHED_STEPS):
        opt.step()
        if plateau:
            s.step(METRICS[k] if name == "plateau" else -METRICS[k])
        else:
            s.step()
        lrs.append([grp["lr"] for grp in opt.param_groups])
    g.value(f"sched.{name}", lrs)
    g.value(f"sched.{name}.keys", [k for k in s.state_dict().keys()])

g.save()
