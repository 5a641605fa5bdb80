#!/usr/bin/python3
"""Op profile of a torchvision model with Debian's python3-torch (the PyTorch side of bench/profile.sh).

The same workload as `medlearn profile` (src/MedLearn/Profiling): torchvision.models.<model>(num_classes=CLASSES),
torch.manual_seed(SEED) init, a fixed random BATCHx3xSIZExSIZE input; WARMUP unprofiled steps, then STEPS steps under
torch.autograd.profiler.profile() (CPU activities, no shapes: libtorch's KINETO profiler state, the same one the
MedLearn shim starts), aggregated from the profiler's nanosecond event tree by MedLearn's rule (key_averages below). One configuration per process (--config):
  infer: eager          PyTorch default: eval, float32, NCHW, inference_mode
         fused-cl       conv+BN folded (torch.fx fuse), channels_last, float32, inference_mode (MedLearn's default
                        InferenceModel on a CPU without native bf16)
         fused-cl-bf16  fused, channels_last, bfloat16 weights and input (MedLearn's default with native bf16)
         frozen-opt     frozen TorchScript + torch.jit.optimize_for_inference (PyTorch's best fp32 here)
  train: fp32           float32 NCHW
         cl             float32 channels_last model and input (MedLearn's default plan without native bf16)
         cl-bf16        channels_last + torch.autocast('cpu', bfloat16) around forward and loss
A training step is the trainer's: zero_grad(set_to_none), forward, cross-entropy, accuracy, loss.item() and
accuracy.item(), backward, SGD(lr 1e-3, momentum 0.9).step().
Writes OUT/profile.json (step times) and OUT/ops.csv (op,calls,self_us,total_us,steps,calls_per_step,self_ms_per_step,total_ms_per_step,self_percent, as
`medlearn profile`) and prints: RESULT side=pytorch config=... mean_step_ms=... self_ms_per_step=...
"""
import argparse
import csv
import json
import os
import time


HIDDEN = {"[memory]", "[OutOfMemory]", "profiler::_record_function_enter", "profiler::_record_function_enter_new",
          "profiler::_record_function_exit", "aten::is_leaf", "aten::output_nr", "aten::_version"}


def key_averages(tree):
    """Per-op (name, calls, self_ns, total_ns), largest self first: the rule of MedLearn's OpAggregation (PyTorch's
    _populate_cpu_children + key_averages) on the nanosecond event tree instead of key_averages' microsecond events,
    whose separately truncated start and duration break the nesting of about one op pair in ten."""
    import torch
    events, stack = [], list(tree)
    while stack:
        e = stack.pop()
        stack.extend(e.children)
        if e.tag == torch._C._profiler._EventType.TorchOp and e.name not in HIDDEN:
            events.append(e)
    by_thread = {}
    for e in events:
        by_thread.setdefault(e.start_tid, []).append(e)
    self_ns = {id(e): e.end_time_ns - e.start_time_ns for e in events}
    for thread_events in by_thread.values():
        thread_events.sort(key=lambda e: (e.start_time_ns, -e.end_time_ns))
        open_events = []
        for e in thread_events:
            while open_events:
                parent = open_events[-1]
                if e.start_time_ns >= parent.end_time_ns or e.end_time_ns > parent.end_time_ns:
                    open_events.pop()
                else:
                    self_ns[id(parent)] -= e.end_time_ns - e.start_time_ns
                    break
            open_events.append(e)
    stats = {}
    for e in events:
        s = stats.setdefault(e.name, [0, 0, 0])
        s[0] += 1
        s[1] += self_ns[id(e)]
        s[2] += e.end_time_ns - e.start_time_ns
    return sorted(((k, v[0], v[1], v[2]) for k, v in stats.items()), key=lambda o: (-o[2], o[0]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--mode", choices=["infer", "train"], default="infer")
    ap.add_argument("--config", required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--classes", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    valid = {"infer": ["eager", "fused-cl", "fused-cl-bf16", "frozen-opt"], "train": ["fp32", "cl", "cl-bf16"]}[args.mode]
    if args.config not in valid:
        ap.error(f"--config for --mode {args.mode}: one of {', '.join(valid)}")

    import torch  # imported after parsing; set_num_threads is the first torch call

    torch.set_num_threads(args.threads)
    import torchvision

    torch.manual_seed(args.seed)
    model = getattr(torchvision.models, args.model)(num_classes=args.classes)
    x = torch.randn(args.batch, 3, args.size, args.size)
    cfg = args.config
    if args.mode == "infer":
        model.eval()
        if cfg in ("fused-cl", "fused-cl-bf16"):
            from torch.fx.experimental.optimization import fuse
            model = fuse(model).to(memory_format=torch.channels_last)
        if cfg == "fused-cl-bf16":
            model = model.to(torch.bfloat16)
        if cfg == "frozen-opt":
            with torch.no_grad():
                model = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(model)))

        def step():
            with torch.inference_mode():
                inp = x
                if cfg in ("fused-cl", "fused-cl-bf16"):
                    inp = inp.contiguous(memory_format=torch.channels_last)
                if cfg == "fused-cl-bf16":
                    inp = inp.to(torch.bfloat16)
                out = model(inp)
                if out.dtype != torch.float32:
                    out = out.float()
                return out
    else:
        model.train()
        y = torch.randint(0, args.classes, (args.batch,))
        channels_last = cfg in ("cl", "cl-bf16")
        if channels_last:
            model = model.to(memory_format=torch.channels_last)
        opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
        criterion = torch.nn.CrossEntropyLoss()

        def step():
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=cfg == "cl-bf16"):
                inp = x.contiguous(memory_format=torch.channels_last) if channels_last else x
                logits = model(inp)
                loss = criterion(logits, y)
                accuracy = (logits.argmax(1) == y).float().mean()
            loss.item()
            accuracy.item()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

    for _ in range(args.warmup):
        step()
    times = []
    with torch.autograd.profiler.profile() as prof:
        for _ in range(args.steps):
            t0 = time.perf_counter()
            step()
            times.append(1000 * (time.perf_counter() - t0))
    ops = key_averages(prof.kineto_results.experimental_event_tree())
    total_self = sum(o[2] for o in ops)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "ops.csv")
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["op", "calls", "self_us", "total_us", "steps", "calls_per_step", "self_ms_per_step", "total_ms_per_step", "self_percent"])
        n = args.steps
        for name, calls, self_ns, total_ns in ops:
            w.writerow([name, calls, f"{self_ns / 1e3:.3f}", f"{total_ns / 1e3:.3f}", n, f"{calls / n:.3f}",
                        f"{self_ns / 1e6 / n:.3f}", f"{total_ns / 1e6 / n:.3f}", f"{100 * self_ns / total_self if total_self else 0:.3f}"])
    os.replace(path + ".tmp", path)
    with open(os.path.join(args.out, "profile.json.tmp"), "w") as f:
        json.dump({"side": "pytorch", "config": cfg, "model": args.model, "mode": args.mode, "threads": torch.get_num_threads(),
                   "step_ms": times, "mean_step_ms": sum(times) / len(times), "self_ms_per_step": total_self / 1e6 / args.steps}, f, indent=1)
    os.replace(os.path.join(args.out, "profile.json.tmp"), os.path.join(args.out, "profile.json"))
    print(f"RESULT side=pytorch mode={args.mode} config={cfg} model={args.model} threads={torch.get_num_threads()} batch={args.batch} "
          f"size={args.size} mean_step_ms={sum(times) / len(times):.2f} min_step_ms={min(times):.2f} "
          f"self_ms_per_step={total_self / 1e6 / args.steps:.2f}")


if __name__ == "__main__":
    main()
