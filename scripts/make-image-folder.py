#!/usr/bin/python3
"""An image folder (train/<class>/*.png, val/<class>/*.png) made from the Fashion-MNIST files,
for trying `--data DIR` on real pictures and for the decoding figures in docs/user-guide.md.
Needs Debian's python3-pil and python3-numpy; run it with the system Python:

    /usr/bin/python3 scripts/make-image-folder.py OUT [--format png|jpg] [--size N] [--limit N]

--size resizes every picture (bilinear) to N x N, e.g. 224 to time decoding at ImageNet size;
--limit keeps the first N training pictures (and N/6 test ones). The 10,000 test pictures
go to val/, which eqnet reads as the test split.
"""
import argparse
import gzip
import os

import numpy as np
from PIL import Image

DATA = "/usr/share/datasets/fashion-mnist"
# Numbered so that the folders' order (eqnet, like torchvision's ImageFolder, sorts the class
# names) is Fashion-MNIST's label order and a network trained on the IDX files reads it right.
CLASSES = ["0-tshirt-top", "1-trouser", "2-pullover", "3-dress", "4-coat",
           "5-sandal", "6-shirt", "7-sneaker", "8-bag", "9-ankle-boot"]


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def write(images, labels, folder, fmt, size):
    for name in CLASSES:
        os.makedirs(os.path.join(folder, name), exist_ok=True)
    for i, (img, label) in enumerate(zip(images, labels)):
        pic = Image.fromarray(img, mode="L")
        if size:
            pic = pic.resize((size, size), Image.BILINEAR)
        path = os.path.join(folder, CLASSES[label], "%05d.%s" % (i, fmt))
        if fmt == "jpg":
            pic.save(path, quality=95)
        else:
            pic.save(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--format", choices=["png", "jpg"], default="png")
    ap.add_argument("--size", type=int, default=0)
    ap.add_argument("--limit", type=int, default=0)
    a = ap.parse_args()
    for split, prefix in (("train", "train"), ("val", "t10k")):
        images = read_idx(os.path.join(DATA, prefix + "-images-idx3-ubyte.gz"))
        labels = read_idx(os.path.join(DATA, prefix + "-labels-idx1-ubyte.gz"))
        if a.limit:
            n = a.limit if split == "train" else max(1, a.limit // 6)
            images, labels = images[:n], labels[:n]
        write(images, labels, os.path.join(a.out, split), a.format, a.size)
        print("%s: %d pictures" % (os.path.join(a.out, split), len(labels)))


if __name__ == "__main__":
    main()
