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
from typing import Tuple

import torch

import stable_module

PLACEHOLDER = "(torch.matmul(q, k), torch.matmul(k, v))"
CALL = "torch._scaled_dot_product_flash_attention_for_cpu(q, k, v, 0., False, attn_mask=None, scale=1.)"


class Attention(torch.nn.Module):
    def forward(self, x):
        return x

    @torch.jit.export
    def softmax_mean(self, q, k, v) -> Tuple[torch.Tensor, torch.Tensor]:
        """q (B, G, R, E), k and v (B, G, M, E): (softmax(q·kᵀ)·v, logsumexp(q·kᵀ)) per row, no scaling."""
        return torch.matmul(q, k), torch.matmul(k, v)  # placeholder, rewritten below


def _call_the_op(text):
    assert text.count(PLACEHOLDER) == 1, text
    return text.replace(PLACEHOLDER, CALL)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.normpath(os.path.join(here, "..", "resources", "org", "reprodiff", "analytic", "attention.pt"))
    stable_module.save(torch.jit.script(Attention()), out, _call_the_op)


main()
