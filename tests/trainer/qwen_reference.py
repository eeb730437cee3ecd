#!/usr/bin/env python3
"""Independent reference forward of HF's Qwen2/Qwen3 decoder, in plain torch (>= 1.13).

Written from the HF transformers modelling code (modeling_qwen2.py / modeling_qwen3.py),
not from longrl's C++: reads config.json (with its rope_scaling, see rope_reference.py) and the
safetensors weights (parsed here with struct/json, since Debian's python3-torch ships without
the safetensors package) and writes float32 logits.

usage: qwen_reference.py MODEL_DIR IDS OUT_FILE [--generate N]
  IDS: rows separated by ';', ids by ',' (e.g. "1,2,3;4,5,6"); all rows the same length
  OUT_FILE: raw little-endian float32 logits [B, T, vocab] of every position; with --generate,
            greedy decoding with a KV cache as transformers' generate() runs it (the rotary
            module updated per forward by dynamic_rope_update): the logits [B, N, vocab] that
            chose each of the N new tokens, and the tokens in OUT_FILE.tokens (int64 [B, N])
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

from rope_reference import rope_params, rope_type

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


class Rotary:
    """transformers' rotary module: inv_freq built once; dynamic NTK recomputes it when a forward
    reaches past the longest length seen, and restores it when one fits the window again."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.window = cfg.get("max_position_embeddings", 32768)
        self.longest = self.window
        self.inv_freq, self.attention = rope_params(cfg, self.window)
        self.original = self.inv_freq

    def __call__(self, positions):  # [T] -> cos, sin [1, 1, T, d]
        if rope_type(self.cfg) == "dynamic":
            seq_len = int(positions.max()) + 1
            if seq_len > self.longest:
                self.inv_freq, self.attention = rope_params(self.cfg, seq_len)
                self.longest = seq_len
            if seq_len < self.window and self.longest > self.window:
                self.inv_freq, self.longest = self.original, self.window
        freqs = positions.float()[:, None] * self.inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        return (emb.cos() * self.attention)[None, None], (emb.sin() * self.attention)[None, None]


def dense_mlp(w, p, h):
    gate = h @ w[p + "mlp.gate_proj.weight"].T
    up = h @ w[p + "mlp.up_proj.weight"].T
    return (torch.nn.functional.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T


def forward(cfg, w, ids, rotary, cache=None, mlp=None):
    """Logits [B, T, V] of ids [B, T] placed after the cache's tokens; cache: {layer: (k, v)} or None;
    mlp(layer, prefix, h) -> [B, T, hidden]: the dense SwiGLU MLP unless given."""
    x = hidden_states(cfg, w, ids, rotary, cache, mlp)
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else w["lm_head.weight"]
    return x @ head.T


def hidden_states(cfg, w, ids, rotary, cache=None, mlp=None, attention_bias=None):
    """The final norm's output [B, T, hidden]; attention_bias(layer) -> an additive mask broadcast over
    [B, H, T, past + T]: the causal mask unless given."""
    qwen3 = cfg["model_type"] in ("qwen3", "qwen3_moe")
    hidden = cfg["hidden_size"]
    n_heads = cfg["num_attention_heads"]
    n_kv = cfg.get("num_key_value_heads", n_heads)
    head_dim = cfg.get("head_dim") or hidden // n_heads
    eps = cfg["rms_norm_eps"]
    B, T = ids.shape
    past = cache[0][0].shape[2] if cache else 0

    cos, sin = rotary(torch.arange(past, past + T))
    causal = torch.full((T, past + T), float("-inf")).triu(past + 1)

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
        if cache is not None:
            if i in cache:
                k = torch.cat((cache[i][0], k), dim=2)
                v = torch.cat((cache[i][1], v), dim=2)
            cache[i] = (k, v)
        rep = n_heads // n_kv
        k = k.repeat_interleave(rep, dim=1)  # HF repeat_kv
        v = v.repeat_interleave(rep, dim=1)
        scores = q @ k.transpose(-1, -2) / (head_dim ** 0.5) + (attention_bias(i) if attention_bias else causal)
        attn = torch.softmax(scores, dim=-1) @ v  # [B, H, T, d]
        attn = attn.transpose(1, 2).reshape(B, T, n_heads * head_dim)
        x = x + attn @ w[p + "self_attn.o_proj.weight"].T

        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        x = x + (mlp(i, p, h) if mlp else dense_mlp(w, p, h))

    return rms_norm(x, w["model.norm.weight"], eps)


def generate(cfg, w, ids, steps):
    """Greedy decoding with a KV cache: (logits [B, N, V] of each choice, tokens [B, N])."""
    rotary, cache = Rotary(cfg), {}
    logits = forward(cfg, w, ids, rotary, cache)[:, -1]
    chosen, all_logits = [], []
    for _ in range(steps):
        token = logits.argmax(-1)
        chosen.append(token)
        all_logits.append(logits)
        logits = forward(cfg, w, token[:, None], rotary, cache)[:, -1]
    return torch.stack(all_logits, 1), torch.stack(chosen, 1)


def main():
    steps = None
    if len(sys.argv) == 6 and sys.argv[4] == "--generate":
        steps = int(sys.argv[5])
    elif len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    model_dir, ids_text, out_path = sys.argv[1:4]
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    ids = torch.tensor([[int(t) for t in row.split(",")] for row in ids_text.split(";")], dtype=torch.int64)
    torch.set_num_threads(1)
    with torch.no_grad():
        if steps is None:
            logits = forward(cfg, load_weights(model_dir), ids, Rotary(cfg)).float().contiguous()
        else:
            logits, tokens = generate(cfg, load_weights(model_dir), ids, steps)
            logits = logits.float().contiguous()
            with open(out_path + ".tokens", "wb") as f:
                f.write(tokens.to(torch.int64).contiguous().numpy().tobytes())
    with open(out_path, "wb") as f:
        f.write(logits.numpy().tobytes())
    print("logits", list(logits.shape))
    return 0


if __name__ == "__main__":
    sys.exit(main())
