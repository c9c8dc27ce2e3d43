#!/usr/bin/python3
"""Writes src/main/resources/org/reprodiff/analytic/attention.pt: PyTorch's fused CPU attention kernel as a
TorchScript method that DJL 0.33 can call (org.reprodiff.analytic.FusedSoftmax). Run with Debian's python3-torch:
    /usr/bin/python3 src/main/python/make_attention.py

The local score machines are attention: a softmax over candidate windows of query·candidate logits, then the
weighted mean of the candidates' values. aten::_scaled_dot_product_flash_attention_for_cpu computes exactly
that in cache-sized blocks with a running maximum and sum per query row, in the accumulation type (float64
for float64), and returns the row's log-sum-exp beside the output, which is what merging chunks of candidates
needs. Debian's torch 1.13 predates the op, so the method is scripted around a placeholder of the same types
and its serialized code is rewritten to call the op; the libtorch that loads the module (2.5.1, shipped by
DJL) resolves it by name then, and a test checks it against the plain float64 composition.
"""
import os
import zipfile
from typing import Tuple

import torch

PLACEHOLDER = "(torch.matmul(q, k), torch.matmul(k, v))"
CALL = "torch._scaled_dot_product_flash_attention_for_cpu(q, k, v, 0., False, attn_mask=None, scale=1.)"


class Attention(torch.nn.Module):
    def forward(self, x):
        return x

    @torch.jit.export
    def softmax_mean(self, q, k, v) -> Tuple[torch.Tensor, torch.Tensor]:
        """q (B, G, R, E), k and v (B, G, M, E): (softmax(q·kᵀ)·v, logsumexp(q·kᵀ)) per row, no scaling."""
        return torch.matmul(q, k), torch.matmul(k, v)  # placeholder, rewritten below


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.normpath(os.path.join(here, "..", "resources", "org", "reprodiff", "analytic", "attention.pt"))
    tmp = out + ".tmp"
    torch.jit.script(Attention()).save(tmp)
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(out + ".part", "w", zipfile.ZIP_STORED) as zout:
        for item in zin.infolist():
            if item.filename.endswith(".debug_pkl"):
                continue  # source ranges of the placeholder: they would point into the old text
            data = zin.read(item.filename)
            if item.filename.endswith("code/__torch__.py"):
                text = data.decode()
                assert text.count(PLACEHOLDER) == 1, text
                data = text.replace(PLACEHOLDER, CALL).encode()
            item.date_time = (1980, 1, 1, 0, 0, 0)  # the same bytes on every run
            zout.writestr(item, data)
    os.remove(tmp)
    os.replace(out + ".part", out)
    print("wrote", out)


main()
