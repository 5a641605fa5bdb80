#!/usr/bin/env python3
"""Converts Debian's dataset-fashion-mnist (IDX files) into a MedLearn folder dataset OUT/<class>/<image>.png.

    sudo apt-get install dataset-fashion-mnist     # installs /usr/share/datasets/fashion-mnist/*-idx?-ubyte.gz
    /usr/bin/python3 bench/fashion-mnist/import_fashion_mnist.py --out /tmp/fashion --per-class 500

Takes the first --per-class images of each class from the official training set (file order, deterministic) and writes
them as 28 x 28 8-bit grayscale PNGs named train_<index>.png, index = position in the IDX file. MedLearn then makes its
own stratified train/val/test split of this folder. Only the standard library and Pillow are used; the IDX format is
read directly (magic 0x00000803 images / 0x00000801 labels, big-endian int32 dimensions, uint8 data).
"""
import argparse
import gzip
import os
import struct

from PIL import Image

CLASSES = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"]


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = data[4 + 4 * ndim:]
    count = 1
    for d in dims:
        count *= d
    if len(body) != count:
        raise ValueError(f"{path}: expected {count} bytes of data, found {len(body)}")
    return dims, body


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--source", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--out", required=True)
    p.add_argument("--per-class", type=int, default=500)
    args = p.parse_args()
    (n, h, w), images = read_idx(os.path.join(args.source, "train-images-idx3-ubyte.gz"))
    (nl,), labels = read_idx(os.path.join(args.source, "train-labels-idx1-ubyte.gz"))
    if n != nl:
        raise ValueError(f"{n} images but {nl} labels")
    taken = [0] * len(CLASSES)
    tmp = args.out + ".partial"
    for c in CLASSES:
        os.makedirs(os.path.join(tmp, c), exist_ok=True)
    for i in range(n):
        c = labels[i]
        if taken[c] >= args.per_class:
            continue
        pixels = images[i * h * w:(i + 1) * h * w]
        Image.frombytes("L", (w, h), pixels).save(os.path.join(tmp, CLASSES[c], f"train_{i:05d}.png"))
        taken[c] += 1
        if min(taken) >= args.per_class:
            break
    os.replace(tmp, args.out)
    print(f"wrote {sum(taken)} images ({args.per_class} per class, {len(CLASSES)} classes) to {args.out}")


if __name__ == "__main__":
    main()
