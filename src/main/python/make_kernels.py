#!/usr/bin/python3
"""Writes src/main/resources/org/reprodiff/nn/kernels.pt: PyTorch ops that DJL 0.33 does not expose, as one
TorchScript module (org.reprodiff.nn.Kernels calls its methods). Run with Debian's python3-torch:
    /usr/bin/python3 src/main/python/make_kernels.py
DJL passes only tensors to a method, so scalars come as a small float64 tensor. Every method is a few native
ATen kernels; nothing here has weights or randomness. Methods ending in _ and conv_residual write in place:
inference only.
"""
import os
from typing import Optional

import torch
import torch.nn.functional as F


def _is_channels_last(x):
    """True for 4-d channels-last memory that is not also plain contiguous (C = 1 or 1×1 maps are both)."""
    return x.dim() == 4 and x.is_contiguous(memory_format=torch.channels_last) and not x.is_contiguous()


def _group_norm_channels_last(x, shift: Optional[torch.Tensor], weight, bias, groups_eps):
    """GroupNorm of x + shift (shift (N, C) or None) for channels-last x, where PyTorch's own kernel is 4-7x
    slower at 4 channels a group. Two passes over x, as accurate as the native kernel: per-channel sums over
    the pixels (vectorised along the channels) give the group means, then the squares of x minus its group
    mean the variances. The shift enters the sums and the affine, so it costs no pass."""
    n, c, h, w = x.shape
    g = int(groups_eps[0])
    cg = c // g
    count = float(h * w * cg)
    xv = x.permute(0, 2, 3, 1).reshape(n, h * w, c)  # a view of the memory as it lies
    s1 = xv.sum(1)
    if shift is not None:
        s1 = s1 + float(h * w) * shift
    mean = (s1.view(n, g, cg).sum(-1) / count).repeat_interleave(cg, dim=1)
    centre = mean - shift if shift is not None else mean  # what to subtract from x itself
    squares = F.mse_loss(xv, centre.view(n, 1, c).expand_as(xv), reduction="none")  # (x - centre)² in one pass
    var = squares.sum(1).view(n, g, cg).sum(-1) / count
    scale = (torch.rsqrt(var + float(groups_eps[1])).view(n, g, 1) * weight.view(1, g, cg)).reshape(n, c)
    offset = bias.view(1, c) - centre * scale
    return torch.addcmul(offset.view(n, c, 1, 1), x, scale.view(n, c, 1, 1))


def _group_norm(x, shift: Optional[torch.Tensor], weight, bias, groups_eps):
    """GroupNorm of x + shift (shift (N, C) or None): PyTorch's kernel, or without autograd the channels-last one."""
    if _is_channels_last(x) and not torch.is_grad_enabled():
        return _group_norm_channels_last(x, shift, weight, bias, groups_eps)
    if shift is not None:
        x = x + shift.view(shift.shape[0], shift.shape[1], 1, 1)
    return F.group_norm(x, int(groups_eps[0]), weight, bias, float(groups_eps[1]))


class Kernels(torch.nn.Module):
    def forward(self, x):
        return x

    @torch.jit.export
    def group_norm(self, x, weight, bias, groups_eps):
        """Group norm with per-channel affine; groups_eps = [groups, eps]."""
        return _group_norm(x, None, weight, bias, groups_eps)

    @torch.jit.export
    def group_norm_silu(self, x, weight, bias, groups_eps):
        return F.silu(_group_norm(x, None, weight, bias, groups_eps))

    @torch.jit.export
    def group_norm_silu_(self, x, weight, bias, groups_eps):
        """SiLU in place on the norm's output: inference only (autograd needs the norm's output)."""
        return F.silu(_group_norm(x, None, weight, bias, groups_eps), inplace=True)

    @torch.jit.export
    def group_norm_silu_shift_(self, x, shift, weight, bias, groups_eps):
        """SiLU(GroupNorm(x + shift)) for a shift (N, C): inference only."""
        return F.silu(_group_norm(x, shift, weight, bias, groups_eps), inplace=True)

    @torch.jit.export
    def conv_residual(self, x, weight, bias, residual, scale_pad):
        """(conv2d(x) + residual) * scale: the scale folded into the weights, the residual added in place.
        x takes the residual's layout first. scale_pad = [scale, padding]; inference only."""
        if _is_channels_last(residual) and not _is_channels_last(x):
            x = x.contiguous(memory_format=torch.channels_last)
        k = float(scale_pad[0])
        return F.conv2d(x, weight * k, bias * k, padding=int(scale_pad[1])).add_(residual, alpha=k)

    @torch.jit.export
    def silu(self, x):
        return F.silu(x)

    @torch.jit.export
    def down2(self, x):
        """2x2 average pooling (floor) as four strided views: 2-4x faster than avg_pool2d at 28x28, 48 channels.
        The sum keeps the input's layout."""
        h = x.shape[2] // 2 * 2
        w = x.shape[3] // 2 * 2
        return (x[:, :, 0:h:2, 0:w:2] + x[:, :, 1:h:2, 0:w:2] + x[:, :, 0:h:2, 1:w:2] + x[:, :, 1:h:2, 1:w:2]) * 0.25

    @torch.jit.export
    def up2(self, x):
        """Nearest x2 as two broadcast copies (columns, then whole rows); channels-last as one, staying so."""
        n, c, h, w = x.shape
        if _is_channels_last(x):
            y = x.permute(0, 2, 3, 1).view(n, h, 1, w, 1, c).expand(n, h, 2, w, 2, c).reshape(n, 2 * h, 2 * w, c)
            return y.permute(0, 3, 1, 2)
        y = x.unsqueeze(-1).expand(n, c, h, w, 2).reshape(n, c, h, 2 * w)
        return y.unsqueeze(3).expand(n, c, h, 2, 2 * w).reshape(n, c, 2 * h, 2 * w)

    @torch.jit.export
    def channels_last(self, x):
        return x.contiguous(memory_format=torch.channels_last)

    @torch.jit.export
    def is_channels_last(self, x):
        return torch.tensor([_is_channels_last(x)])


here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "resources", "org", "reprodiff", "nn", "kernels.pt")
torch.jit.script(Kernels()).save(os.path.normpath(out))
print("wrote", os.path.normpath(out))
