#!/usr/bin/python3
"""Writes src/main/resources/org/reprodiff/data/fashion-mnist-mini/: the first 4096 training and the first 1000
test images of Fashion-MNIST (Zalando SE, MIT licence), with their labels, as gzipped IDX files, so that the
demo runs on real images with nothing installed. Reads Debian's dataset-fashion-mnist:
    /usr/bin/python3 src/main/python/make_fashion_mini.py
The files are byte-exact prefixes of the originals (header counts rewritten), written with gzip mtime 0 so
that reruns give identical bytes."""
import gzip
import os
import struct

SRC = "/usr/share/datasets/fashion-mnist"
here = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(here, "..", "resources", "org", "reprodiff", "data", "fashion-mnist-mini"))


def cut(name, n):
    with gzip.open(os.path.join(SRC, name + ".gz"), "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    dims = (magic & 0xFF) - 1
    header = 4 + 4 * (dims + 1)
    shape = struct.unpack(">" + "I" * dims, data[8:header])
    item = 1
    for d in shape:
        item *= d
    assert count >= n
    out = struct.pack(">II", magic, n) + data[8:header] + data[header:header + n * item]
    with open(os.path.join(OUT, name + ".gz"), "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as g:
            g.write(out)


os.makedirs(OUT, exist_ok=True)
for split, n in (("train", 4096), ("t10k", 1000)):
    cut(split + "-images-idx3-ubyte", n)
    cut(split + "-labels-idx1-ubyte", n)
print("wrote", OUT)
