#!/usr/bin/env python3
"""Stage 3 of the demo's warm start: longrl's own SFT recipe (masked next-token loss on the response,
token mean over the batch, AdamW with weight decay 0.01, linear warm-up then cosine decay, gradient
clipping at 1.0) in plain PyTorch, for a machine with a GPU, where a 1M-parameter model trains ~100x
faster than on two CPU cores. The token sequences come from `longrl tokenize --sft` (exactly what
`longrl train` builds) and the model is the Qwen3 decoder as in HF transformers (tests/trainer/
qwen_reference.py checks longrl's C++ forward against the same equations). Reads and writes HF-layout
model.safetensors, so longrl loads the result as any checkpoint. See README.md beside this file.

  pack:  sft_torch.py pack TOKENS.jsonl OUT.bin.gz            (here: JSON lines from longrl tokenize --sft)
  train: sft_torch.py train MODEL_DIR DATA.bin.gz OUT_DIR --seconds S [--lr 1e-3] [--batch 64] [--steps N]
"""
import argparse
import array
import gzip
import json
import math
import os
import shutil
import struct
import sys
import time

import torch

# The safetensors reader and the norm/rotary helpers are the independent reference's
# (tests/trainer/qwen_reference.py, which TestQwenModel checks longrl's C++ decoder against).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "trainer"))
from qwen_reference import read_safetensors, rms_norm, rotate_half  # noqa: E402

MAGIC = b"LRSFT1\0\0"


def pack(src, dst):
    # Per example: uint16 prompt length, uint16 target length, then the ids (vocabularies < 65536).
    out = array.array("H")
    n = 0
    with open(src) as f:
        for line in f:
            e = json.loads(line)
            out.append(len(e["prompt"]))
            out.append(len(e["target"]))
            out.extend(e["prompt"])
            out.extend(e["target"])
            n += 1
    with gzip.open(dst, "wb", compresslevel=6) as g:
        g.write(MAGIC + struct.pack("<Q", n))
        g.write(out.tobytes())
    print("packed %d examples, %d uint16 values -> %s" % (n, len(out), dst))


def load_packed(path):
    with gzip.open(path, "rb") as g:
        blob = g.read()
    assert blob[:8] == MAGIC, "not a packed SFT file: " + path
    (n,) = struct.unpack("<Q", blob[8:16])
    vals = array.array("H")
    vals.frombytes(blob[16:])
    examples, i = [], 0
    for _ in range(n):
        p, t = vals[i], vals[i + 1]
        i += 2
        examples.append((list(vals[i:i + p]), list(vals[i + p:i + p + t])))
        i += p + t
    return examples


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        b = array.array("f", tensors[name].detach().float().cpu().flatten().tolist()).tobytes()  # no numpy needed
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h)
        for b in blobs:
            f.write(b)


def forward_hidden(cfg, w, ids):
    """Qwen3 decoder (HF modeling_qwen3 equations), causal, right padding; returns the final normed hidden."""
    n_heads, n_kv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    head_dim = cfg.get("head_dim") or cfg["hidden_size"] // n_heads
    eps, theta = cfg["rms_norm_eps"], cfg.get("rope_theta", 10000.0)
    B, T = ids.shape
    dev = ids.device
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, device=dev, dtype=torch.int64).float() / head_dim))
    freqs = torch.outer(torch.arange(T, device=dev).float(), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[None, None], emb.sin()[None, None]
    sdpa = getattr(torch.nn.functional, "scaled_dot_product_attention", None)
    causal = None if sdpa else torch.full((T, T), float("-inf"), device=dev).triu(1)
    x = w["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = (h @ w[p + "self_attn.q_proj.weight"].T).view(B, T, n_heads, head_dim)
        k = (h @ w[p + "self_attn.k_proj.weight"].T).view(B, T, n_kv, head_dim)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).view(B, T, n_kv, head_dim).transpose(1, 2)
        q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps).transpose(1, 2)
        k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = n_heads // n_kv
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        if sdpa:
            attn = sdpa(q, k, v, is_causal=True)
        else:
            attn = torch.softmax(q @ k.transpose(-1, -2) / head_dim ** 0.5 + causal, dim=-1) @ v
        x = x + attn.transpose(1, 2).reshape(B, T, n_heads * head_dim) @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        x = x + (torch.nn.functional.silu(h @ w[p + "mlp.gate_proj.weight"].T) * (h @ w[p + "mlp.up_proj.weight"].T)) \
            @ w[p + "mlp.down_proj.weight"].T
    return rms_norm(x, w["model.norm.weight"], eps)


def batch_loss(cfg, w, examples, idx, dev):
    seqs = [examples[i][0] + examples[i][1] for i in idx]
    T = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), T, dtype=torch.long)
    labels = torch.full((len(seqs), T), -100, dtype=torch.long)
    for r, i in enumerate(idx):
        p, t = examples[i]
        ids[r, :len(p) + len(t)] = torch.tensor(p + t)
        labels[r, len(p) - 1:len(p) + len(t) - 1] = torch.tensor(t)  # position j predicts token j + 1
    ids, labels = ids.to(dev), labels.to(dev)
    hidden = forward_hidden(cfg, w, ids)
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else w["lm_head.weight"]
    mask = labels >= 0
    logits = hidden[mask] @ head.T  # response positions only
    return torch.nn.functional.cross_entropy(logits, labels[mask]), int(mask.sum())


def train(a):
    dev = torch.device("cuda" if torch.cuda.is_available() and not a.cpu else "cpu")
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False  # fp32 as longrl trains
    torch.manual_seed(a.seed)
    with open(os.path.join(a.model_dir, "config.json")) as f:
        cfg = json.load(f)
    w = {k: v.to(dev).requires_grad_(True) for k, v in read_safetensors(os.path.join(a.model_dir, "model.safetensors")).items()}
    examples = load_packed(a.data)
    print("device %s, %d examples, %d tensors, %d parameters" % (dev, len(examples), len(w),
                                                                  sum(v.numel() for v in w.values())), flush=True)
    # AdamW's weight decay on matrices and embeddings only would differ from longrl's (all parameters).
    opt = torch.optim.AdamW(list(w.values()), lr=a.lr, weight_decay=0.01)
    g = torch.Generator().manual_seed(a.seed)
    t0, step, ema = time.time(), 0, None
    total = a.steps if a.steps > 0 else None
    while True:
        elapsed = time.time() - t0
        if total is None:  # time-boxed: the schedule follows elapsed time instead of steps
            progress = min(1.0, elapsed / a.seconds)
        else:
            progress = step / total
        if progress >= 1.0:
            break
        warm = 0.02
        lr = a.lr * (progress / warm if progress < warm else 0.5 * (1 + math.cos(math.pi * (progress - warm) / (1 - warm))))
        for grp in opt.param_groups:
            grp["lr"] = lr
        idx = torch.randint(len(examples), (a.batch,), generator=g).tolist()
        loss, _ = batch_loss(cfg, w, examples, idx, dev)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(w.values()), 1.0)
        opt.step()
        step += 1
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if step % a.log_every == 0:
            print("step %d  %.0f s  lr %.2e  loss %.4f (ema %.4f)" % (step, time.time() - t0, lr, loss.item(), ema),
                  flush=True)
        if a.save_every and step % a.save_every == 0:
            save(a.out_dir, a.model_dir, w)
    save(a.out_dir, a.model_dir, w)
    print("done: %d steps in %.0f s, final loss ema %.4f -> %s" % (step, time.time() - t0, ema or float("nan"), a.out_dir))


def save(out_dir, model_dir, w):
    os.makedirs(out_dir, exist_ok=True)
    for name in ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"):
        if os.path.exists(os.path.join(model_dir, name)):
            shutil.copyfile(os.path.join(model_dir, name), os.path.join(out_dir, name))
    tmp = os.path.join(out_dir, "model.safetensors.tmp")
    write_safetensors(tmp, w)
    os.replace(tmp, os.path.join(out_dir, "model.safetensors"))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    pk = sub.add_parser("pack")
    pk.add_argument("src")
    pk.add_argument("dst")
    tr = sub.add_parser("train")
    tr.add_argument("model_dir")
    tr.add_argument("data")
    tr.add_argument("out_dir")
    tr.add_argument("--seconds", type=float, default=180.0, help="time box (the schedule spans it) unless --steps")
    tr.add_argument("--steps", type=int, default=0)
    tr.add_argument("--lr", type=float, default=1e-3)
    tr.add_argument("--batch", type=int, default=64)
    tr.add_argument("--seed", type=int, default=1)
    tr.add_argument("--log-every", type=int, default=200)
    tr.add_argument("--save-every", type=int, default=2000)
    tr.add_argument("--cpu", action="store_true")
    a = p.parse_args(argv)
    if a.cmd == "pack":
        pack(a.src, a.dst)
    else:
        train(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
