"""Data-pipeline throughput, torchvision side (see bench/MedLearn.DataBench/Program.cs for the C# twin).

ImageFolder (PIL decode) -> RandomResizedCrop(224) -> RandomHorizontalFlip -> ToTensor -> Normalize(ImageNet)
-> DataLoader(batch, shuffle, num_workers, persistent workers). Epoch 0 warms up; epochs 1.. are timed.
Run with Debian's python3-torch/python3-torchvision: /usr/bin/python3.
"""
import argparse
import time

import torch
from torch.utils.data import DataLoader
from torchvision import datasets, transforms


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    tf = transforms.Compose([
        transforms.RandomResizedCrop(224),
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    ])
    ds = datasets.ImageFolder(a.data, transform=tf)
    extra = dict(persistent_workers=True, prefetch_factor=2) if a.workers > 0 else {}
    loader = DataLoader(ds, batch_size=a.batch, shuffle=True, num_workers=a.workers, **extra)
    images = 0
    start = None
    for epoch in range(a.epochs):
        if epoch == 1:
            start = time.perf_counter()
        for x, _ in loader:
            if epoch > 0:
                images += x.shape[0]
    seconds = time.perf_counter() - start
    print(f"RESULT impl=torchvision workers={a.workers} batch={a.batch} images={images} seconds={seconds:.2f} "
          f"img_per_s={images / seconds:.1f} files={len(ds)}")


if __name__ == "__main__":
    main()
