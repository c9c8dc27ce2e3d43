#!/usr/bin/python3
"""Writes src/main/resources/org/reprodiff/nn/kernels.pt: PyTorch ops that DJL 0.33 does not expose, as one
TorchScript module (org.reprodiff.nn.Kernels calls its methods). Run with Debian's python3-torch:
    /usr/bin/python3 src/main/python/make_kernels.py
DJL passes only tensors to a method, so scalars come as a small float64 tensor. Every method is one or
two native ATen kernels; nothing here has weights or randomness.
"""
import os
import torch
import torch.nn.functional as F


def _group_norm(x, weight, bias, groups_eps):
    return F.group_norm(x, int(groups_eps[0]), weight, bias, float(groups_eps[1]))


class Kernels(torch.nn.Module):
    def forward(self, x):
        return x

    @torch.jit.export
    def group_norm(self, x, weight, bias, groups_eps):
        """Native group norm with per-channel affine; groups_eps = [groups, eps]."""
        return _group_norm(x, weight, bias, groups_eps)

    @torch.jit.export
    def group_norm_silu(self, x, weight, bias, groups_eps):
        return F.silu(_group_norm(x, weight, bias, groups_eps))

    @torch.jit.export
    def silu(self, x):
        return F.silu(x)


here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "resources", "org", "reprodiff", "nn", "kernels.pt")
torch.jit.script(Kernels()).save(os.path.normpath(out))
print("wrote", os.path.normpath(out))
