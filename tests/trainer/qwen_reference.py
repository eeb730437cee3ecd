#!/usr/bin/env python3
"""Independent reference forward of HF's Qwen2/Qwen3 decoder, in plain torch (>= 1.13).

Written from the HF transformers modelling code (modeling_qwen2.py / modeling_qwen3.py),
not from longrl's C++: reads config.json and the safetensors weights (parsed here with
struct/json, since Debian's python3-torch ships without the safetensors package) and writes
the float32 logits of every position.

usage: qwen_reference.py MODEL_DIR IDS OUT_FILE
  IDS: rows separated by ';', ids by ',' (e.g. "1,2,3;4,5,6"); all rows the same length
  OUT_FILE: raw little-endian float32 logits [B, T, vocab]
Exit code 3 when torch is missing (the caller skips).
"""
import json
import os
import struct
import sys

try:
    import torch
except ImportError:
    print("torch is not available in this Python", file=sys.stderr)
    sys.exit(3)

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:end]), dtype=DTYPES[e["dtype"]]) if end > b else torch.empty(0)
        out[name] = t.reshape(e["shape"]).float()
    return out


def load_weights(model_dir):
    single = os.path.join(model_dir, "model.safetensors")
    if os.path.exists(single):
        return read_safetensors(single)
    with open(os.path.join(model_dir, "model.safetensors.index.json")) as f:
        files = set(json.load(f)["weight_map"].values())
    w = {}
    for name in sorted(files):
        w.update(read_safetensors(os.path.join(model_dir, name)))
    return w


def rms_norm(x, weight, eps):
    var = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(var + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def forward(cfg, w, ids):
    qwen3 = cfg["model_type"] == "qwen3"
    hidden = cfg["hidden_size"]
    n_heads = cfg["num_attention_heads"]
    n_kv = cfg.get("num_key_value_heads", n_heads)
    head_dim = cfg.get("head_dim") or hidden // n_heads
    eps = cfg["rms_norm_eps"]
    theta = cfg.get("rope_theta", 10000.0)
    B, T = ids.shape

    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    pos = torch.arange(T).float()
    freqs = torch.outer(pos, inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[None, None], emb.sin()[None, None]  # [1, 1, T, d]
    causal = torch.full((T, T), float("-inf")).triu(1)

    x = w["model.embed_tokens.weight"][ids]  # [B, T, hidden]
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)

        def proj(name):
            y = h @ w[p + "self_attn.%s.weight" % name].T
            bias = w.get(p + "self_attn.%s.bias" % name)
            return y + bias if bias is not None else y

        q = proj("q_proj").view(B, T, n_heads, head_dim)
        k = proj("k_proj").view(B, T, n_kv, head_dim)
        v = proj("v_proj").view(B, T, n_kv, head_dim).transpose(1, 2)
        if qwen3:
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps)
        q, k = q.transpose(1, 2), k.transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = n_heads // n_kv
        k = k.repeat_interleave(rep, dim=1)  # HF repeat_kv
        v = v.repeat_interleave(rep, dim=1)
        scores = q @ k.transpose(-1, -2) / (head_dim ** 0.5) + causal
        attn = torch.softmax(scores, dim=-1) @ v  # [B, H, T, d]
        attn = attn.transpose(1, 2).reshape(B, T, n_heads * head_dim)
        x = x + attn @ w[p + "self_attn.o_proj.weight"].T

        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = h @ w[p + "mlp.gate_proj.weight"].T
        up = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T

    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else w["lm_head.weight"]
    return x @ head.T


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    model_dir, ids_text, out_path = sys.argv[1:]
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    ids = torch.tensor([[int(t) for t in row.split(",")] for row in ids_text.split(";")], dtype=torch.int64)
    torch.set_num_threads(1)
    with torch.no_grad():
        logits = forward(cfg, load_weights(model_dir), ids).float().contiguous()
    with open(out_path, "wb") as f:
        f.write(logits.numpy().tobytes())
    print("logits", list(logits.shape))
    return 0


if __name__ == "__main__":
    sys.exit(main())
