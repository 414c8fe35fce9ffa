"""Cross-frame attention: every frame's self-attention also looks at an anchor frame (Text2Video-Zero's
cross-frame attention, keeping each frame's own keys beside the anchor's so moving cameras keep their own view).

The anchor is the first frame a render diffuses. Frames go through the UNet in batches, so the batch that holds the
anchor records its keys and values at every layer and step, and every later batch attends to those records; the
anchor itself sees its own keys twice, which leaves its attention unchanged.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from diffusers.models.attention_processor import Attention
from diffusers.models.unets.unet_2d_condition import UNet2DConditionModel


class AnchorRecord:
    """What the processors of one render share: the denoising step now running, whether this batch holds the
    anchor (first frame of each classifier-free-guidance half), and the anchor's keys and values so far."""

    def __init__(self, halves: int) -> None:
        self.halves = halves
        self.step = 0
        self.recording = False
        self.kept: dict[tuple[str, int], tuple[torch.Tensor, torch.Tensor]] = {}

    def anchor(self, layer: str, key: torch.Tensor, value: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The anchor's keys and values at ``layer`` this step, (halves, 1, tokens, channels); recorded from
        ``key`` and ``value`` (batch, tokens, channels) when this batch holds the anchor."""
        if self.recording:
            per_half = key.shape[0] // self.halves
            self.kept[(layer, self.step)] = (
                key.unflatten(0, (self.halves, per_half))[:, :1].clone(),
                value.unflatten(0, (self.halves, per_half))[:, :1].clone(),
            )
        return self.kept[(layer, self.step)]


class CrossFrameAttnProcessor:
    """A self-attention processor whose keys and values are the frame's own followed by the anchor's."""

    def __init__(self, layer: str, record: AnchorRecord) -> None:
        self.layer = layer
        self.record = record

    def __call__(
        self,
        attn: Attention,
        hidden_states: torch.Tensor,
        encoder_hidden_states: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        temb: torch.Tensor | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> torch.Tensor:
        if encoder_hidden_states is not None or attention_mask is not None:
            raise ValueError("cross-frame attention replaces unmasked self-attention only")
        residual = hidden_states
        if attn.spatial_norm is not None:
            hidden_states = attn.spatial_norm(hidden_states, temb)
        spatial = hidden_states.ndim == 4
        if spatial:
            batch, channels, height, width = hidden_states.shape
            hidden_states = hidden_states.view(batch, channels, height * width).transpose(1, 2)
        batch = hidden_states.shape[0]
        if attn.group_norm is not None:
            hidden_states = attn.group_norm(hidden_states.transpose(1, 2)).transpose(1, 2)

        query = attn.to_q(hidden_states)
        key = attn.to_k(hidden_states)
        value = attn.to_v(hidden_states)
        anchor_key, anchor_value = self.record.anchor(self.layer, key, value)
        halves = self.record.halves
        key = _beside(key, anchor_key, halves)
        value = _beside(value, anchor_value, halves)

        head_dim = key.shape[-1] // attn.heads
        query = query.view(batch, -1, attn.heads, head_dim).transpose(1, 2)
        key = key.view(batch, -1, attn.heads, head_dim).transpose(1, 2)
        value = value.view(batch, -1, attn.heads, head_dim).transpose(1, 2)
        if attn.norm_q is not None:
            query = attn.norm_q(query)
        if attn.norm_k is not None:
            key = attn.norm_k(key)
        hidden_states = F.scaled_dot_product_attention(query, key, value, dropout_p=0.0, is_causal=False)
        hidden_states = hidden_states.transpose(1, 2).reshape(batch, -1, attn.heads * head_dim).to(query.dtype)
        hidden_states = attn.to_out[1](attn.to_out[0](hidden_states))
        if spatial:
            hidden_states = hidden_states.transpose(-1, -2).reshape(batch, channels, height, width)
        if attn.residual_connection:
            hidden_states = hidden_states + residual
        return hidden_states / attn.rescale_output_factor


def _beside(own: torch.Tensor, anchor: torch.Tensor, halves: int) -> torch.Tensor:
    """(batch, tokens, channels) own tokens with the anchor's of the same guidance half appended after them."""
    split = own.unflatten(0, (halves, own.shape[0] // halves))
    both = torch.cat([split, anchor.expand(-1, split.shape[1], -1, -1)], dim=2)
    return both.flatten(0, 1)


def install(unet: UNet2DConditionModel, record: AnchorRecord) -> dict[str, Any]:
    """Give ``unet``'s self-attention layers cross-frame processors over ``record``; returns the processors it
    had, for :func:`restore`."""
    before: dict[str, Any] = dict(unet.attn_processors)
    processors: dict[str, Any] = {
        name: CrossFrameAttnProcessor(name, record) if name.endswith("attn1.processor") else processor
        for name, processor in before.items()
    }
    unet.set_attn_processor(processors)
    return before


def restore(unet: UNet2DConditionModel, processors: dict[str, Any]) -> None:
    """Put back the processors :func:`install` replaced."""
    unet.set_attn_processor(processors)
