#!/usr/bin/env python3
"""Independent reference forward of the QwenLong-CPRS compressor, in plain torch (>= 1.13).

The Qwen decoder as qwen_reference.py writes it from HF's modelling code, except that the top
`cprs.bidirectional_layers` layers of config.json attend without the causal mask, and the LM head
is HF's token-classification head `score` (logits = hidden @ score.weight.T + score.bias). A key
mask leaves right padding out of every layer's attention.

usage: cprs_reference.py MODEL_DIR IDS LENGTHS OUT_FILE
  IDS: rows separated by ';', ids by ',' (all rows the same length, right-padded)
  LENGTHS: the real tokens of each row, ',' separated
  OUT_FILE: raw little-endian float32 critic logits [B, T, num_labels]
Exit code 3 when torch is missing (the caller skips).
"""
import json
import os
import sys

try:
    import torch
except ImportError:
    print("torch is not available in this Python", file=sys.stderr)
    sys.exit(3)

from qwen_reference import Rotary, hidden_states, load_weights


def attention_bias(T, lengths, causal):
    """[B, 1, T, T] additive mask: -inf on padded keys, and above the diagonal when causal."""
    keys = torch.arange(T)[None, :] < torch.tensor(lengths)[:, None]  # [B, T]
    allowed = keys[:, None, None, :].expand(len(lengths), 1, T, T)
    if causal:
        allowed = allowed & torch.ones(T, T, dtype=torch.bool).tril()[None, None]
    return torch.zeros(allowed.shape).masked_fill(~allowed, float("-inf"))


def forward(cfg, w, ids, lengths):
    layers = cfg["num_hidden_layers"]
    first_bidirectional = layers - cfg.get("cprs", {}).get("bidirectional_layers", 0)
    T = ids.shape[1]

    def bias(layer):
        return attention_bias(T, lengths, layer < first_bidirectional)

    x = hidden_states(cfg, w, ids, Rotary(cfg), attention_bias=bias)
    return x @ w["score.weight"].T + w["score.bias"]


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    model_dir, ids_text, lengths_text, out_path = sys.argv[1:5]
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    ids = torch.tensor([[int(t) for t in row.split(",")] for row in ids_text.split(";")], dtype=torch.int64)
    lengths = [int(n) for n in lengths_text.split(",")]
    torch.set_num_threads(1)
    with torch.no_grad():
        logits = forward(cfg, load_weights(model_dir), ids, lengths).float().contiguous()
    with open(out_path, "wb") as f:
        f.write(logits.numpy().tobytes())
    print("logits", list(logits.shape))
    return 0


if __name__ == "__main__":
    sys.exit(main())
