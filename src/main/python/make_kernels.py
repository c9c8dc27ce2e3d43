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
    def group_norm_silu_(self, x, weight, bias, groups_eps):
        """SiLU in place on the norm's output: inference only (autograd needs the norm's output)."""
        return F.silu(_group_norm(x, weight, bias, groups_eps), inplace=True)

    @torch.jit.export
    def silu(self, x):
        return F.silu(x)

    @torch.jit.export
    def down2(self, x):
        """2x2 average pooling (floor) as four strided views: 2-4x faster than avg_pool2d at 28x28, 48 channels."""
        h = x.shape[2] // 2 * 2
        w = x.shape[3] // 2 * 2
        return (x[:, :, 0:h:2, 0:w:2] + x[:, :, 1:h:2, 0:w:2] + x[:, :, 0:h:2, 1:w:2] + x[:, :, 1:h:2, 1:w:2]) * 0.25

    @torch.jit.export
    def up2(self, x):
        """Nearest x2 as two broadcast copies (columns, then whole rows)."""
        n, c, h, w = x.shape
        y = x.unsqueeze(-1).expand(n, c, h, w, 2).reshape(n, c, h, 2 * w)
        return y.unsqueeze(3).expand(n, c, h, 2, 2 * w).reshape(n, c, 2 * h, 2 * w)


here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "resources", "org", "reprodiff", "nn", "kernels.pt")
torch.jit.script(Kernels()).save(os.path.normpath(out))
print("wrote", os.path.normpath(out))
