#!/usr/bin/python3
"""Writes src/main/resources/org/reprodiff/nn/kernels.pt: PyTorch ops that DJL 0.33 does not expose, as one
TorchScript module (org.reprodiff.nn.Kernels calls its methods). Run with Debian's python3-torch:
    /usr/bin/python3 src/main/python/make_kernels.py
DJL passes only tensors to a method, so scalars come as a small float64 tensor. Every method is a few native
ATen kernels; nothing here has weights or randomness. Methods ending in _ and conv_residual write in place:
inference only.
"""
import os
from typing import List, Optional

import torch
import torch.nn.functional as F


def _is_channels_last(x):
    """True for 4-d channels-last memory that is not also plain contiguous (C = 1 or 1×1 maps are both)."""
    return x.dim() == 4 and x.is_contiguous(memory_format=torch.channels_last) and not x.is_contiguous()


def _relative(got, want) -> float:
    """max|got - want| / max|want|, in float64 (inf where got is not finite)."""
    d = (got.double() - want).abs().max()
    if not bool(torch.isfinite(d)):
        return float("inf")
    return float(d / want.abs().max().clamp_min(1e-30))


def _grads(y, inputs: List[torch.Tensor], gy) -> List[torch.Tensor]:
    """The gradients of sum(y * gy) with respect to the inputs."""
    go: List[Optional[torch.Tensor]] = [gy]
    out: List[torch.Tensor] = []
    for g in torch.autograd.grad([y], inputs, go):
        assert g is not None
        out.append(g)
    return out


def _conv_way(x, weight, bias, s: int, p: int, way: int, block: int):
    """way 0: PyTorch's conv2d (oneDNN) in x's layout; +1: in the plain layout, the output put back in x's;
    +2: channels zero-padded to a multiple of the block (_conv_padded); 4: im2col + GEMM (ATen's slow_conv2d,
    whose backward is col2im + GEMM: no oneDNN kernel at all; grouped: unfold + one batched GEMM). Grouped
    convolutions (the members of an ensemble, org.reprodiff.nn.UNet) have x.shape[1] // weight.shape[1] groups."""
    cl = _is_channels_last(x)
    groups = x.shape[1] // weight.shape[1]
    if way == 4:
        if groups > 1:
            y = _conv_unfold(x.contiguous(), weight, bias, s, p, groups)
        else:
            y = torch._C._nn.thnn_conv2d(x.contiguous(), weight, [weight.shape[2], weight.shape[3]], bias, [s, s], [p, p])
    else:
        xin = x.contiguous() if way % 2 == 1 else x
        if way >= 2:
            y = _conv_padded(xin, weight, bias, s, p, block, groups)
        else:
            y = F.conv2d(xin, weight, bias, stride=s, padding=p, groups=groups)
    return y.contiguous(memory_format=torch.channels_last) if cl else y.contiguous()


def _conv_unfold(x, weight, bias, s: int, p: int, groups: int):
    """A grouped conv2d as im2col (unfold) and one batched GEMM over the groups: no oneDNN kernel."""
    n, c, h, w = x.shape
    cout, cin, kh, kw = weight.shape
    og = cout // groups
    ho = (h + 2 * p - kh) // s + 1
    wo = (w + 2 * p - kw) // s + 1
    cols = F.unfold(x, [kh, kw], padding=[p, p], stride=[s, s]).view(n, groups, cin * kh * kw, ho * wo)
    y = torch.einsum("bgkl,gok->bgol", cols, weight.reshape(groups, og, cin * kh * kw))
    return y.reshape(n, cout, ho, wo) + bias.view(1, cout, 1, 1)


def _conv_padded(x, weight, bias, s: int, p: int, block: int, groups: int):
    """conv2d (oneDNN) with each group's channels zero-padded to a multiple of the block, the output cut back:
    the same values and gradients (padded weights get their gradients dropped, padded outputs get zero
    gradient). oneDNN keeps activations in blocked buffers whose channels are padded to its vector block, and on
    AMD Zen 5 with AVX-512 (oneDNN 3.5, PyTorch 2.5.1 and 2.7.1) its kernels read that padded tail, which nothing
    wrote: the forward when the input channels are off the block (24: 15-17% wrong), the backward-data when the
    output channels are (12: 7-37% of input gradients wrong or NaN). With no tail, nothing unwritten is read. The
    output channels need it only where an input gradient is computed."""
    cin = weight.shape[1]
    og = weight.shape[0] // groups
    ein = (cin + block - 1) // block * block - cin
    eout = (og + block - 1) // block * block - og if x.requires_grad else 0
    if ein == 0 and eout == 0:
        return F.conv2d(x, weight, bias, stride=s, padding=p, groups=groups)
    if groups == 1:  # keeps x's layout (channels-last inference)
        if ein > 0:
            x = F.pad(x, [0, 0, 0, 0, 0, ein])
            weight = F.pad(weight, [0, 0, 0, 0, 0, ein])
        if eout > 0:
            weight = F.pad(weight, [0, 0, 0, 0, 0, 0, 0, eout])
            bias = F.pad(bias, [0, eout])
        y = F.conv2d(x, weight, bias, stride=s, padding=p)
        return y[:, :og] if eout > 0 else y
    n, _, h, w = x.shape
    kh = weight.shape[2]
    kw = weight.shape[3]
    x = F.pad(x.reshape(n, groups, cin, h, w), [0, 0, 0, 0, 0, ein]).reshape(n, groups * (cin + ein), h, w)
    weight = F.pad(weight.reshape(groups, og, cin, kh, kw), [0, 0, 0, 0, 0, ein, 0, eout])
    weight = weight.reshape(groups * (og + eout), cin + ein, kh, kw)
    bias = F.pad(bias.reshape(groups, og), [0, eout]).reshape(groups * (og + eout))
    y = F.conv2d(x, weight, bias, stride=s, padding=p, groups=groups)
    if eout == 0:
        return y
    ho = y.shape[2]
    wo = y.shape[3]
    return y.reshape(n, groups, og + eout, ho, wo)[:, :, :og].reshape(n, groups * og, ho, wo)


def _errors(y, r, inputs: List[torch.Tensor], refs: List[torch.Tensor], gy, grads: bool):
    """The relative errors of y against r and, if grads, of each input's gradient of sum(y * gy) against the
    reference input's, as a float64 vector."""
    errors = [_relative(y, r)]
    if grads:
        got = _grads(y, inputs, gy)
        want = _grads(r, refs, gy.double())
        for i in range(len(got)):
            errors.append(_relative(got[i], want[i]))
    return torch.tensor(errors, dtype=torch.float64)


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
    def conv_residual(self, x, weight, bias, residual, scale_pad_way_block):
        """(conv2d(x) + residual) * scale: the scale folded into the weights, the residual added in place. x takes
        the residual's layout first; the convolution runs in conv2d_way's way (the one checked right for this
        shape). scale_pad_way_block = [scale, padding, way, block]; inference only."""
        if _is_channels_last(residual) and not _is_channels_last(x):
            x = x.contiguous(memory_format=torch.channels_last)
        k = float(scale_pad_way_block[0])
        way = int(scale_pad_way_block[2])
        if way == 0:
            return F.conv2d(x, weight * k, bias * k, padding=int(scale_pad_way_block[1])).add_(residual, alpha=k)
        y = _conv_way(x, weight * k, bias * k, 1, int(scale_pad_way_block[1]), way, int(scale_pad_way_block[3]))
        return y.add_(residual, alpha=k)

    @torch.jit.export
    def conv2d_way(self, x, weight, bias, stride_pad_way_block):
        """conv2d in the way (_conv_way) that org.reprodiff.nn.ConvPaths checked right for this shape on the
        CPU at hand; stride_pad_way_block = [stride, padding, way, block]."""
        return _conv_way(x, weight, bias, int(stride_pad_way_block[0]), int(stride_pad_way_block[1]),
                         int(stride_pad_way_block[2]), int(stride_pad_way_block[3]))

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

    # Float64 references, composed of plain ops that share no kernel with the ones above (no convolution, no
    # native norm): org.reprodiff.nn.KernelChecks compares every kernel and layout path with them.

    @torch.jit.export
    def ref_conv2d(self, x, weight, bias, stride_pad):
        """conv2d as a sum over the kernel taps of strided slices of the zero-padded input times the tap's
        (cout, cin) matrix, per group (x.shape[1] // weight.shape[1] of them)."""
        s = int(stride_pad[0])
        p = int(stride_pad[1])
        kh = weight.shape[2]
        kw = weight.shape[3]
        groups = x.shape[1] // weight.shape[1]
        xp = F.pad(x, [p, p, p, p])
        ho = (xp.shape[2] - kh) // s + 1
        wo = (xp.shape[3] - kw) // s + 1
        n = x.shape[0]
        wg = weight.reshape(groups, weight.shape[0] // groups, weight.shape[1], kh, kw)
        y = bias.view(1, groups, -1, 1, 1).expand(n, groups, wg.shape[1], ho, wo)
        for i in range(kh):
            for j in range(kw):
                xs = xp[:, :, i:i + s * (ho - 1) + 1:s, j:j + s * (wo - 1) + 1:s]
                xs = xs.reshape(n, groups, weight.shape[1], ho, wo)
                y = y + torch.einsum("bgchw,goc->bgohw", xs, wg[:, :, :, i, j])
        return y.reshape(n, weight.shape[0], ho, wo)

    @torch.jit.export
    def ref_group_norm(self, x, shift, weight, bias, groups_eps_silu):
        """GroupNorm of x + shift (shift (N, C); biased variance, eps inside the root), then SiLU if asked."""
        x = x + shift.view(shift.shape[0], shift.shape[1], 1, 1)
        n, c, h, w = x.shape
        g = int(groups_eps_silu[0])
        v = x.reshape(n, g, -1)
        mean = v.mean(-1, keepdim=True)
        var = ((v - mean) * (v - mean)).mean(-1, keepdim=True)
        y = ((v - mean) / torch.sqrt(var + float(groups_eps_silu[1]))).reshape(n, c, h, w)
        y = y * weight.view(1, c, 1, 1) + bias.view(1, c, 1, 1)
        if float(groups_eps_silu[2]) != 0.0:
            y = y / (1.0 + torch.exp(-y))
        return y

    @torch.jit.export
    def check_input(self, salt_shape):
        """A float32 tensor of shape salt_shape[1:] with values spread evenly on [-√3, √3) (unit variance), from a
        sine hash of each element's index and the salt: random-looking inputs without PyTorch's generator, whose
        state the checks must not touch."""
        shape: List[int] = []
        n = 1
        for j in range(1, salt_shape.shape[0]):
            shape.append(int(salt_shape[j]))
            n *= shape[-1]
        i = torch.arange(n, dtype=torch.float64)
        u = torch.frac(torch.abs(torch.sin(i * 12.9898 + float(salt_shape[0]) * 78.233 + 0.5) * 43758.5453))
        return ((u * 2.0 - 1.0) * 1.7320508).to(torch.float32).view(shape)

    @torch.jit.export
    def ref_down2(self, x):
        n, c, h, w = x.shape
        return x[:, :, :h // 2 * 2, :w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2).mean([3, 5])

    @torch.jit.export
    def ref_up2(self, x):
        return x.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)

    # Checks: each runs one kernel path on float32 inputs and its reference on float64 copies, with gradients
    # where the path is used in training (torch.autograd.grad, so that they work inside a recording forward
    # pass too), and returns the relative errors max|path - ref| / max|ref| of the output and each gradient.

    @torch.jit.export
    def check_conv(self, x, weight, bias, gy, args):
        """args = [stride, padding, way, block, grads, channels_last]: conv2d_way on x (in channels-last memory
        if asked), with the input, weight and bias gradients if grads."""
        grads = float(args[4]) != 0.0
        xs = x.detach().requires_grad_(grads)
        ws = weight.detach().requires_grad_(grads)
        bs = bias.detach().requires_grad_(grads)
        xin = xs.contiguous(memory_format=torch.channels_last) if float(args[5]) != 0.0 else xs
        y = self.conv2d_way(xin, ws, bs, args[:4])
        sp = args[:2].double()
        x64 = x.detach().double().requires_grad_(grads)
        w64 = weight.detach().double().requires_grad_(grads)
        b64 = bias.detach().double().requires_grad_(grads)
        r = self.ref_conv2d(x64, w64, b64, sp)
        return _errors(y, r, [xs, ws, bs], [x64, w64, b64], gy, grads)

    @torch.jit.export
    def check_group_norm(self, x, shift, weight, bias, gy, args):
        """args = [groups, eps, silu, path]; path 0: group_norm(_silu) with gradients; 1: the same on
        channels-last input without autograd; 2: group_norm_silu_shift_ (channels-last, inference); 3:
        group_norm_silu_ (inference)."""
        path = int(args[3])
        ge = args[:2]
        grads = path == 0
        xs = x.detach().requires_grad_(grads)
        ws = weight.detach().requires_grad_(grads)
        bs = bias.detach().requires_grad_(grads)
        zero = torch.zeros_like(shift)
        silu = float(args[2]) != 0.0
        if path == 0:
            y = self.group_norm_silu(xs, ws, bs, ge) if silu else self.group_norm(xs, ws, bs, ge)
        elif path == 1:
            xc = xs.contiguous(memory_format=torch.channels_last)
            y = self.group_norm_silu(xc, ws, bs, ge) if silu else self.group_norm(xc, ws, bs, ge)
        elif path == 2:
            y = self.group_norm_silu_shift_(xs.contiguous(memory_format=torch.channels_last), shift, ws, bs, ge)
        else:
            y = self.group_norm_silu_(xs, ws, bs, ge)
        x64 = x.detach().double().requires_grad_(grads)
        w64 = weight.detach().double().requires_grad_(grads)
        b64 = bias.detach().double().requires_grad_(grads)
        used_shift = shift.double() if path == 2 else zero.double()
        if path >= 2:
            silu_args = torch.tensor([float(args[0]), float(args[1]), 1.0], dtype=torch.float64)
        else:
            silu_args = args[:3].double()
        r = self.ref_group_norm(x64, used_shift, w64, b64, silu_args)
        return _errors(y, r, [xs, ws, bs], [x64, w64, b64], gy, grads)

    @torch.jit.export
    def check_resample(self, x, gy, args):
        """args = [path]; 0: avg_pool2d 2x2 and 1: nearest x2 upsampling (training, with gradients); 2: down2,
        3: up2, 4: down2 on channels-last input, 5: up2 on channels-last input (inference)."""
        path = int(args[0])
        grads = path <= 1
        xs = x.detach().requires_grad_(grads)
        if path == 0:
            y = F.avg_pool2d(xs, 2)
        elif path == 1:
            y = F.interpolate(xs, scale_factor=2.0, mode="nearest")
        elif path == 2:
            y = self.down2(xs)
        elif path == 3:
            y = self.up2(xs)
        elif path == 4:
            y = self.down2(xs.contiguous(memory_format=torch.channels_last))
        else:
            y = self.up2(xs.contiguous(memory_format=torch.channels_last))
        x64 = x.detach().double().requires_grad_(grads)
        r = self.ref_down2(x64) if path % 2 == 0 else self.ref_up2(x64)
        return _errors(y, r, [xs], [x64], gy, grads)

    @torch.jit.export
    def check_conv_residual(self, x, weight, bias, residual, args):
        """conv_residual against (ref_conv2d + residual) * scale; args = [scale, padding, way, block,
        channels_last]."""
        xs = x.detach()
        rs = residual.detach().clone()
        if float(args[4]) != 0.0:
            xs = xs.contiguous(memory_format=torch.channels_last)
            rs = rs.contiguous(memory_format=torch.channels_last)
        y = self.conv_residual(xs, weight, bias, rs, args[:4])
        r = (self.ref_conv2d(x.double(), weight.double(), bias.double(), torch.tensor([1.0, float(args[1])],
                dtype=torch.float64)) + residual.double()) * float(args[0])
        return torch.tensor([_relative(y, r)], dtype=torch.float64)

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
