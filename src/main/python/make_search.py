#!/usr/bin/python3
"""Writes src/main/resources/org/reprodiff/score/search.pt: the nearest-neighbour search's block op as a
TorchScript method that DJL cannot express (org.reprodiff.score.Scores calls it). Run with Debian's python3-torch:
    /usr/bin/python3 src/main/python/make_search.py

DJL's max over an axis is aten::max.dim, which computes each row's argmax beside its maximum; on the 1024 × 4096
similarity blocks of the GL search that costs about 7% of the block's matrix product (Zen 5, 2 threads).
aten::amax returns the same values (NaN propagating the same way) without the indices, in one vectorized pass.
"""
import os

import torch

import stable_module


class Search(torch.nn.Module):
    def forward(self, x):
        return x

    @torch.jit.export
    def product_max(self, q, t):
        """q (R, K), t (K, C): max over the columns of q·t, per row (R,)."""
        return torch.mm(q, t).amax(1)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.normpath(os.path.join(here, "..", "resources", "org", "reprodiff", "score", "search.pt"))
    stable_module.save(torch.jit.script(Search()), out)


main()
