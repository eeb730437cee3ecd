#!/usr/bin/env python3
"""Independent reference of HF's Qwen3-MoE (modeling_qwen3_moe.py) in plain torch (>= 1.13).

Written from the HF formulas, not from longrl's C++: the attention and dense layers come from
qwen_reference.py; each sparse layer's MoE block runs *every* expert on every token and combines
them with the top-k routing weights (zero for the experts not picked), so it shares nothing with
the C++ per-expert token dispatch. The load-balancing loss is Switch Transformer's eq. 4-6 as HF's
load_balancing_loss_func computes it (no attention mask: every token real).

usage: qwen_moe_reference.py MODEL_DIR IDS OUT_FILE [GRAD_NAME...]
  IDS: rows separated by ';', ids by ',' (e.g. "1,2,3;4,5,6"); all rows the same length
  OUT_FILE: raw little-endian float32: logits [B, T, vocab], aux loss, loss, then the gradient of
  loss with respect to each GRAD_NAME (flattened), where loss = mean next-token cross-entropy +
  router_aux_loss_coef * aux loss (HF's training loss with labels = ids, output_router_logits).
Exit code 3 when torch is missing (the caller skips).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import torch
except ImportError:
    print("torch is not available in this Python", file=sys.stderr)
    sys.exit(3)
import qwen_reference as ref  # noqa: E402


def is_sparse(cfg, layer):
    if layer in (cfg.get("mlp_only_layers") or []):
        return False
    return cfg["num_experts"] > 0 and (layer + 1) % cfg["decoder_sparse_step"] == 0


def swiglu(w, prefix, x):
    gate = x @ w[prefix + "gate_proj.weight"].T
    up = x @ w[prefix + "up_proj.weight"].T
    return (torch.nn.functional.silu(gate) * up) @ w[prefix + "down_proj.weight"].T


def make_mlp(cfg, w, router_logits):
    n_experts, top_k = cfg["num_experts"], cfg["num_experts_per_tok"]

    def mlp(layer, p, h):
        if not is_sparse(cfg, layer):
            return ref.dense_mlp(w, p, h)
        flat = h.reshape(-1, h.shape[-1])
        logits = flat @ w[p + "mlp.gate.weight"].T
        router_logits.append(logits)
        probs = torch.softmax(logits.float(), dim=-1)
        top_w, top_i = probs.topk(top_k, dim=-1)
        if cfg.get("norm_topk_prob"):
            top_w = top_w / top_w.sum(dim=-1, keepdim=True)
        combine = torch.zeros_like(probs).scatter(1, top_i, top_w)  # [N, E], zero off the top-k
        out = torch.zeros_like(flat)
        for e in range(n_experts):
            out = out + combine[:, e:e + 1] * swiglu(w, p + "mlp.experts.%d." % e, flat)
        return out.reshape(h.shape)

    return mlp


def aux_loss(cfg, router_logits):
    n_experts, top_k = cfg["num_experts"], cfg["num_experts_per_tok"]
    logits = torch.cat(router_logits, dim=0)
    probs = torch.softmax(logits.float(), dim=-1)
    picked = probs.topk(top_k, dim=-1).indices
    n = probs.shape[0]
    total = 0.0
    for e in range(n_experts):
        fraction = (picked == e).float().sum() / n  # f_e summed over the k ranks
        total = total + fraction * probs[:, e].mean()
    return total * n_experts


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    model_dir, ids_text, out_path = sys.argv[1:4]
    grad_names = sys.argv[4:]
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    ids = torch.tensor([[int(t) for t in row.split(",")] for row in ids_text.split(";")], dtype=torch.int64)
    torch.set_num_threads(1)
    w = ref.load_weights(model_dir)
    for name in grad_names:
        w[name].requires_grad_(True)
    router_logits = []
    logits = ref.forward(cfg, w, ids, ref.Rotary(cfg), mlp=make_mlp(cfg, w, router_logits)).float()
    aux = aux_loss(cfg, router_logits)
    vocab = logits.shape[-1]
    ce = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, vocab), ids[:, 1:].reshape(-1))
    loss = ce + cfg["router_aux_loss_coef"] * aux
    grads = torch.autograd.grad(loss, [w[n] for n in grad_names]) if grad_names else []
    parts = [logits.detach().reshape(-1), aux.detach().reshape(1), loss.detach().reshape(1)]
    parts += [g.reshape(-1) for g in grads]
    with open(out_path, "wb") as f:
        f.write(torch.cat(parts).float().contiguous().numpy().tobytes())
    print("logits", list(logits.shape), "aux", float(aux), "loss", float(loss))
    return 0


if __name__ == "__main__":
    sys.exit(main())
