#!/usr/bin/python3
"""One full ResNet-18 training epoch end to end, PyTorch side (twin of bench/MedLearn.EpochBench; run.sh drives both).

ImageFolder (PIL decode) -> RandomResizedCrop(224) -> RandomHorizontalFlip -> ToTensor -> Normalize(ImageNet)
-> DataLoader(batch, shuffle, num_workers) -> torchvision resnet18(num_classes) -> cross-entropy -> SGD(lr, momentum).
Configurations (one per process):
  fp32     float32, NCHW: PyTorch's default training loop
  cl       float32, channels_last model and input
  cl-bf16  channels_last + torch.autocast('cpu', dtype=torch.bfloat16) around forward and loss
Modes: train (default) times the epoch loop: the DataLoader's iterator (worker start-up included, as in every
non-persistent epoch), every batch wait and every step; the model and optimiser are built before the clock starts.
loader times the same DataLoader alone (no model); profile times each per-sample stage on the main thread
(ms per image; ImageFolder's loader = PIL open + convert('RGB'), then each transform). Run with Debian's python3-torch/torchvision: /usr/bin/python3.
Prints one line: RESULT impl=pytorch ... img_per_s=... data_wait_s=... peak_rss_mb=... worker_peak_rss_mb=...
"""
import argparse
import resource
import time


def status_mb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--mode", choices=["train", "loader", "profile"], default="train")
    ap.add_argument("--config", choices=["fp32", "cl", "cl-bf16"], default="fp32")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--lr", type=float, default=0.001)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    import torch  # set_num_threads is the first torch call

    torch.set_num_threads(a.threads)
    import torchvision
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms

    torch.manual_seed(a.seed)
    tf = transforms.Compose([
        transforms.RandomResizedCrop(224),
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    ])
    ds = datasets.ImageFolder(a.data, transform=tf)
    loader = DataLoader(ds, batch_size=a.batch, shuffle=True, num_workers=a.workers)
    common = (f"workers={a.workers} batch={a.batch} epochs={a.epochs} files={len(ds)}")

    if a.mode == "profile":
        from torchvision.datasets.folder import pil_loader
        stages = ["read+decode (PIL)"] + [type(t).__name__ for t in tf.transforms]
        for _ in range(2):  # the second pass is reported
            acc = [0.0] * len(stages)
            for path, _ in ds.samples:
                t = time.perf_counter()
                x = pil_loader(path)
                x.load()
                now = time.perf_counter(); acc[0] += now - t; t = now
                for k, step in enumerate(tf.transforms):
                    x = step(x)
                    now = time.perf_counter(); acc[k + 1] += now - t; t = now
        for name, v in zip(stages, acc):
            print(f"PROFILE impl=pytorch stage={name} ms_per_image={1000 * v / len(ds):.3f}")
        print(f"PROFILE impl=pytorch stage=total ms_per_image={1000 * sum(acc) / len(ds):.3f} threads={torch.get_num_threads()}")
        return

    if a.mode == "loader":
        images = 0
        t0 = time.perf_counter()
        for _ in range(a.epochs):
            for x, _ in loader:
                images += x.shape[0]
        dt = time.perf_counter() - t0
        print(f"RESULT impl=pytorch mode=loader threads={torch.get_num_threads()} {common} images={images} seconds={dt:.2f} "
              f"img_per_s={images / dt:.2f} peak_rss_mb={status_mb('VmHWM'):.0f} "
              f"worker_peak_rss_mb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0:.0f}")
        return

    model = torchvision.models.resnet18(num_classes=len(ds.classes))
    model.train()
    channels_last = a.config in ("cl", "cl-bf16")
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum)
    criterion = torch.nn.CrossEntropyLoss()
    use_bf16 = a.config == "cl-bf16"
    rss_before = status_mb("VmRSS")

    images = steps = 0
    wait = 0.0
    intervals = []
    loss_sum = 0.0
    t0 = time.perf_counter()
    last = t0
    for _ in range(a.epochs):
        it = iter(loader)
        while True:
            w0 = time.perf_counter()
            try:
                x, y = next(it)
            except StopIteration:
                wait += time.perf_counter() - w0
                break
            wait += time.perf_counter() - w0
            if channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            opt.zero_grad(set_to_none=True)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16):
                loss = criterion(model(x), y)
            loss.backward()
            opt.step()
            # One host read of the loss per step, as MedLearn's Trainer does (divergence check, epoch mean).
            loss_sum += loss.item() * x.shape[0]
            images += x.shape[0]
            steps += 1
            now = time.perf_counter()
            intervals.append(now - last)
            last = now
    dt = time.perf_counter() - t0
    first = intervals[0] if intervals else float("nan")
    median = sorted(intervals)[len(intervals) // 2] if intervals else float("nan")
    print(f"RESULT impl=pytorch mode=train config={a.config} threads={torch.get_num_threads()} {common} images={images} "
          f"seconds={dt:.2f} img_per_s={images / dt:.2f} steps={steps} data_wait_s={wait:.3f} data_wait_fraction={wait / dt:.4f} "
          f"first_step_s={first:.3f} compute_s_per_step={(dt - wait) / max(1, steps):.4f} median_step_s={median:.4f} "
          f"loss={loss_sum / max(1, images):.4f} peak_rss_mb={status_mb('VmHWM'):.0f} "
          f"worker_peak_rss_mb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0:.0f} rss_before_mb={rss_before:.0f}")


if __name__ == "__main__":
    main()
