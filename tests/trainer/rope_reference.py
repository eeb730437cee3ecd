#!/usr/bin/env python3
"""Independent reference of transformers' rotary embeddings with config.json's rope_scaling.

Written from the formulas of transformers' modeling_rope_utils.py (default, linear, dynamic NTK,
YaRN) and the Qwen rotary forward, not from longrl's C++. Kept in float32 where transformers is.

usage: rope_reference.py CONFIG_JSON POSITIONS OUT_FILE
  CONFIG_JSON: the config as a JSON object (head_dim or hidden_size/num_attention_heads,
               rope_theta, max_position_embeddings, rope_scaling)
  POSITIONS:   ids separated by ',' (one row, as one forward sees them)
  OUT_FILE:    raw little-endian float32: inv_freq [d/2], cos [T, d], sin [T, d]
Prints the attention scaling. Exit code 3 when torch is missing (the caller skips).
"""
import json
import math
import sys

try:
    import torch
except ImportError:
    print("torch is not available in this Python", file=sys.stderr)
    sys.exit(3)


def head_dim(cfg):
    return cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]


def rope_type(cfg):
    rs = cfg.get("rope_scaling") or {}
    return rs.get("rope_type") or rs.get("type") or "default"


def plain_inv_freq(base, dim):
    """1 / base^(2i/d); base a float or a float32 scalar tensor."""
    return 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))


def yarn_params(cfg, dim, base):
    rs = cfg["rope_scaling"]
    s = rs["factor"]
    window = rs.get("original_max_position_embeddings") or cfg.get("max_position_embeddings", 32768)

    def mscale_of(scale, m=1.0):
        # YaRN's sqrt(1/t) = 0.1 ln(s) + 1, optionally weighted (DeepSeek's mscale).
        return 1.0 if scale <= 1 else 0.1 * m * math.log(scale) + 1.0

    if rs.get("attention_factor") is not None:
        attention = rs["attention_factor"]
    elif rs.get("mscale") and rs.get("mscale_all_dim"):
        attention = mscale_of(s, rs["mscale"]) / mscale_of(s, rs["mscale_all_dim"])
    else:
        attention = mscale_of(s)

    def dim_for_rotations(r):
        # the dimension index whose wavelength 2*pi*base^(2i/d) fits r times into the window
        return dim * math.log(window / (r * 2 * math.pi)) / (2 * math.log(base))

    lo = dim_for_rotations(rs.get("beta_fast") or 32)
    hi = dim_for_rotations(rs.get("beta_slow") or 1)
    if rs.get("truncate", True):
        lo, hi = math.floor(lo), math.ceil(hi)
    lo, hi = max(lo, 0), min(hi, dim - 1)
    if lo == hi:
        hi += 0.001
    # share of the original (extrapolated) frequency: 1 below lo, 0 above hi, linear between
    keep = 1.0 - torch.clamp((torch.arange(dim // 2, dtype=torch.float32) - lo) / (hi - lo), 0.0, 1.0)
    freq = base ** (torch.arange(0, dim, 2).float() / dim)
    return (1.0 / (s * freq)) * (1.0 - keep) + (1.0 / freq) * keep, attention


def rope_params(cfg, seq_len):
    """(inv_freq float32 [d/2], attention scaling) of one forward whose last position is seq_len - 1."""
    dim = head_dim(cfg)
    base = cfg.get("rope_theta", 10000.0)
    kind = rope_type(cfg)
    if kind == "default":
        return plain_inv_freq(base, dim), 1.0
    s = cfg["rope_scaling"]["factor"]
    if kind == "linear":
        return plain_inv_freq(base, dim) / s, 1.0
    if kind == "dynamic":
        window = cfg.get("max_position_embeddings", 32768)
        if seq_len <= window:
            return plain_inv_freq(base, dim), 1.0
        length = torch.tensor(seq_len)  # a tensor in transformers: the new base is float32
        new_base = base * ((s * length / window) - (s - 1)) ** (dim / (dim - 2))
        return plain_inv_freq(new_base, dim), 1.0
    if kind == "yarn":
        return yarn_params(cfg, dim, base)
    raise ValueError("rope type %r has no reference here" % kind)


def cos_sin(cfg, positions, seq_len=None):
    """cos, sin [T, d] for a 1-D position tensor (seq_len defaults to max(positions) + 1)."""
    if seq_len is None:
        seq_len = int(positions.max()) + 1
    inv_freq, attention = rope_params(cfg, seq_len)
    freqs = positions.float()[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos() * attention, emb.sin() * attention, inv_freq, attention


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    cfg = json.loads(sys.argv[1])
    positions = torch.tensor([int(p) for p in sys.argv[2].split(",")], dtype=torch.int64)
    cos, sin, inv_freq, attention = cos_sin(cfg, positions)
    with open(sys.argv[3], "wb") as f:
        for t in (inv_freq, cos, sin):
            f.write(t.float().contiguous().numpy().tobytes())
    print("attention_scaling %.17g" % attention)
    return 0


if __name__ == "__main__":
    sys.exit(main())
