#!/usr/bin/env python3
"""GPU check of longrl's LibTorch glue: kernels/CudaKernels.cpp and the CUDA paths of ChunkedLogProbs and
BlockAttention, which the project reaches only through its Qt tests (a CUDA LibTorch + Qt build the GPU
machine does not have). check_cuda_kernels.py covers the raw CUDA entry points; this covers what sits on
top of them: tensor checks, chunk slicing, the autograd Functions and the CPU/CUDA dispatch.

How: the kernels' own sources plus GlueBindings.cpp are built as a torch JIT extension
(torch.utils.cpp_extension.load), with kernels/cuda/*.cu and LONGRL_HAVE_CUDA_KERNELS when CUDA is there.
Forward values and gradients (autograd of a random weighted sum of the outputs) of the extension on CUDA are
compared with (a) the same extension on CPU tensors and (b) a float64 plain-torch reference written here;
then the error paths (unsupported D on CUDA, mixed devices, bad targets).

    python3 kernels/cuda/check/check_glue.py [--json PATH] [--deadline-s S] [--build-dir DIR]
    python3 kernels/cuda/check/check_glue.py --cpu-only     # no GPU: builds without CUDA, runs the CPU half

Exit codes: 0 all checks passed; 1 a check failed or the deadline cut the run short; 2 no GPU (and no
--cpu-only) or no torch; 3 the extension could not be built or imported.
Keep this file runnable on torch 1.13 (the CPU-only dev machine's) as well as 2.x (the GPU machine's).
"""

import argparse
import math
import os
import platform
import signal
import sys
import time
import traceback
from pathlib import Path

from check_json import save_summary  # beside this script

SCRIPT_VERSION = 1
REPO_ROOT = Path(__file__).resolve().parents[3]  # kernels/cuda/check/<this> -> repo root
CPP_SOURCES = ["kernels/cuda/check/GlueBindings.cpp", "kernels/ChunkedLogProbs.cpp", "kernels/BlockAttention.cpp",
               "kernels/CudaKernels.cpp", "kernels/KernelReference.cpp"]
CUDA_SOURCES = ["kernels/cuda/RowStats.cu", "kernels/cuda/FlashAttention.cu"]
EXIT_OK, EXIT_FAIL, EXIT_NO_GPU, EXIT_BUILD = 0, 1, 2, 3

# Each comparison passes iff max|got - ref| <= REL * max|ref| (and everything is finite). fp32 with
# different summation orders lands ~1e-6 of the scale; a wrong row/key/chunk or a missing gradient term is
# >= 1e-3 of it at these sizes (same reasoning as check_cuda_kernels.py's tolerances).
REL = {"value": 1e-4, "grad": 2e-4}
TINY = 1e-6  # floor for max|ref| (an all-zero reference must come back ~zero)

torch = None


class DeadlineExceeded(Exception):
    pass


class Report:
    def __init__(self, json_path):
        self.json_path = Path(json_path) if json_path else None
        self.t0 = time.monotonic()
        self.data = {"script": "check_glue.py", "script_version": SCRIPT_VERSION,
                     "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "argv": sys.argv,
                     "host": platform.node(), "env": {}, "build": {}, "checks": [], "skipped": [], "errors": [],
                     "passed": 0, "failed": 0, "status": "running"}

    def log(self, msg=""):
        print(msg, flush=True)

    def add(self, rec):
        self.data["checks"].append(rec)
        self.data["passed" if rec["pass"] else "failed"] += 1
        self.log(rec["line"])
        self.save()

    def error(self, what, exc=None):
        detail = "%s: %s" % (what, exc) if exc is not None else what
        self.log("ERROR " + detail)
        if exc is not None and not isinstance(exc, DeadlineExceeded):
            self.log(traceback.format_exc().rstrip())
        self.data["errors"].append(detail[:4000])
        self.save()

    def save(self):
        save_summary(self.json_path, self.data, self.t0)


# ----------------------------------------------------------------------------------------------------------
# Comparison
# ----------------------------------------------------------------------------------------------------------


def compare_tensor(got, ref, kind):
    """-> dict: max_abs, ref_absmax, tol, ratio (<= 1 passes), nonfinite, pass."""
    if got is None or ref is None:
        ok = got is None and ref is None
        return {"pass": ok, "why": "" if ok else "got %s, reference %s" % (
            "None" if got is None else "a tensor", "None" if ref is None else "a tensor"), "ratio": 0.0 if ok else 1e9}
    g = got.detach().to("cpu", torch.float64)
    r = ref.detach().to("cpu", torch.float64)
    if tuple(g.shape) != tuple(r.shape):
        return {"pass": False, "why": "shape %s vs %s" % (tuple(g.shape), tuple(r.shape)), "ratio": 1e9}
    if g.numel() == 0:
        return {"pass": True, "max_abs": 0.0, "ref_absmax": 0.0, "tol": 0.0, "ratio": 0.0, "nonfinite": 0}
    ref_max = r.abs().max().item()
    tol = REL[kind] * max(ref_max, TINY)
    nonfinite = int((~torch.isfinite(g)).sum().item())
    max_abs = (g - r).abs().max().item()
    ratio = max_abs / tol if math.isfinite(max_abs) else float("inf")
    return {"pass": nonfinite == 0 and ratio <= 1.0, "max_abs": max_abs, "ref_absmax": ref_max, "tol": tol,
            "ratio": ratio, "nonfinite": nonfinite}


def record_comparison(rep, case, label, got, ref, kinds):
    """One line per (case, comparison): the worst tensor relative to its tolerance; all tensors in the JSON."""
    per = {}
    for name in ref:
        per[name] = compare_tensor(got.get(name), ref[name], kinds[name])
    worst = max(per, key=lambda n: per[n]["ratio"])
    w = per[worst]
    ok = all(p["pass"] for p in per.values())
    if "max_abs" in w:
        detail = "worst %-9s max_err=%-9.3g tol=%-9.3g (%d tensors)" % (worst, w["max_abs"], w["tol"], len(per))
        if w.get("nonfinite"):
            detail += " NONFINITE=%d" % w["nonfinite"]
    else:
        detail = "%s: %s" % (worst, w.get("why", ""))
    name = "%s [%s]" % (case, label)
    rep.add({"name": name, "pass": ok, "tensors": per,
             "line": "[%s] %-58s %s" % ("PASS" if ok else "FAIL", name, detail)})


# ----------------------------------------------------------------------------------------------------------
# float64 references (plain torch, autograd for the gradients)
# ----------------------------------------------------------------------------------------------------------


def ref_log_probs(h, W, targets, temperature):
    z = torch.matmul(h, W.t()) / temperature
    logp = torch.log_softmax(z, dim=1)
    lp = logp.gather(1, targets.unsqueeze(1)).squeeze(1)
    ent = -(logp.exp() * logp).sum(1)
    return lp, ent


def ref_kl(lp, ref, penalty):
    """ChunkedLogProbs::klEstimate, which the training loss uses: k3's exponent is clamped to
    [-20, 20]; low_var_kl is k3 clamped to [-10, 10]."""
    d = lp - ref
    if penalty == "k1":
        return d
    if penalty == "k2":
        return 0.5 * d * d
    r = (ref - lp).clamp(-20.0, 20.0)
    k3 = r.exp() - r - 1
    return k3.clamp(-10.0, 10.0) if penalty == "low_var_kl" else k3


def ref_attention(q, k, v, causal, scale, query_offset):
    """-> out [B,Hq,T,D], lse [B,Hq,T]. Query head h reads kv head h // (Hq/Hkv)."""
    group = q.shape[1] // k.shape[1]
    T, S, D = q.shape[2], k.shape[2], q.shape[3]
    if scale <= 0:
        scale = 1.0 / math.sqrt(D)
    if query_offset < 0:
        query_offset = S - T
    kr = k.repeat_interleave(group, dim=1)
    vr = v.repeat_interleave(group, dim=1)
    s = torch.matmul(q, kr.transpose(-1, -2)) * scale
    if causal:
        i = torch.arange(T).unsqueeze(1)
        j = torch.arange(S).unsqueeze(0)
        s = s.masked_fill(j > query_offset + i, float("-inf"))
    lse = torch.logsumexp(s, dim=-1)
    return torch.matmul(torch.exp(s - lse.unsqueeze(-1)), vr), lse


# ----------------------------------------------------------------------------------------------------------
# Cases: each builds CPU inputs from a seed, runs the extension on each device (values + autograd gradients)
# and the float64 reference, and compares.
# ----------------------------------------------------------------------------------------------------------


def gen(seed):
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def run_graph(fn, leaves, want_grad, weights):
    """fn(leaves) -> dict of outputs; loss = sum_name (weights[name] * out[name]).sum(); returns the outputs
    and d loss / d leaf for the leaves in want_grad (by name), via torch.autograd.grad."""
    outs = fn(leaves)
    res = {n: (t.detach() if t is not None else None) for n, t in outs.items()}
    grad_names = [n for n in want_grad if leaves[n].requires_grad]
    if grad_names:
        loss = None
        for n, w in weights.items():
            if outs.get(n) is None:
                continue
            term = (w.to(outs[n].device, outs[n].dtype) * outs[n]).sum()
            loss = term if loss is None else loss + term
        grads = torch.autograd.grad(loss, [leaves[n] for n in grad_names], allow_unused=True)
        for n, g in zip(grad_names, grads):
            res["d_" + n] = g
    return res


def logprob_case(rep, ext, devices, name, T, H, V, chunk, temperature=1.0, entropy=True, w_scale=0.3, seed=0,
                 grad=("hidden", "weight"), loss=("lp", "ent"), kl=None, no_grad=False, dtype="float32"):
    g = gen(seed)
    h = torch.randn(T, H, generator=g, dtype=torch.float64)
    W = torch.randn(V, H, generator=g, dtype=torch.float64) * w_scale
    tgt = torch.randint(0, V, (T,), generator=g)
    weights = {"lp": torch.randn(T, generator=g, dtype=torch.float64),
               "ent": torch.randn(T, generator=g, dtype=torch.float64),
               "kl": torch.randn(T, generator=g, dtype=torch.float64)}
    weights = {n: w for n, w in weights.items() if n in loss}
    dt = getattr(torch, dtype)
    h = h.to(dt).to(torch.float64)  # the inputs every path sees, exactly
    W = W.to(dt).to(torch.float64)
    with torch.no_grad():
        ref_lp_in = None
        if kl:
            ref_lp_in = ref_log_probs(h, W, tgt, temperature)[0] + 0.5 * torch.randn(T, generator=g,
                                                                                    dtype=torch.float64)
    want = () if no_grad else grad

    def ours(device, dtype_):
        def fn(leaves):
            r = ref_lp_in.to(device, dtype_) if kl else None
            lp, ent, k = ext.chunked_log_probs(leaves["hidden"], leaves["weight"], tgt.to(device), chunk=chunk,
                                               temperature=temperature, compute_entropy=entropy,
                                               ref_log_probs=r, kl_penalty=kl or "k3")
            return {"lp": lp, "ent": ent, "kl": k}
        leaves = {"hidden": h.detach().to(device, dtype_, copy=True).requires_grad_("hidden" in want),
                  "weight": W.detach().to(device, dtype_, copy=True).requires_grad_("weight" in want)}
        return run_graph(fn, leaves, want, weights)

    def reference(leaves):
        lp, ent = ref_log_probs(leaves["hidden"], leaves["weight"], tgt, temperature)
        return {"lp": lp, "ent": ent if entropy else None, "kl": ref_kl(lp, ref_lp_in, kl) if kl else None}

    ref = run_graph(reference, {"hidden": h.clone().requires_grad_("hidden" in want),
                                "weight": W.clone().requires_grad_("weight" in want)}, want, weights)
    kinds = {n: ("grad" if n.startswith("d_") else "value") for n in ref}
    compare_all(rep, "logprob/" + name, devices, lambda dev: ours(dev, dt), ref, kinds)


def attention_case(rep, ext, devices, name, B, Hq, Hkv, T, S, D, causal=True, block_q=256, block_k=256, scale=0.0,
                   query_offset=-1, seed=0, noncontig=False, with_lse=False, no_grad=False, dtype="float32"):
    g = gen(seed)
    if noncontig:  # [B,T,H,D] storage seen as [B,H,T,D] (HF's layout before its transpose)
        q = torch.randn(B, T, Hq, D, generator=g, dtype=torch.float64).transpose(1, 2)
        k = torch.randn(B, S, Hkv, D, generator=g, dtype=torch.float64).transpose(1, 2)
        v = torch.randn(B, S, Hkv, D, generator=g, dtype=torch.float64).transpose(1, 2)
    else:
        q = torch.randn(B, Hq, T, D, generator=g, dtype=torch.float64)
        k = torch.randn(B, Hkv, S, D, generator=g, dtype=torch.float64)
        v = torch.randn(B, Hkv, S, D, generator=g, dtype=torch.float64)
    weights = {"out": torch.randn(B, Hq, T, D, generator=g, dtype=torch.float64)}
    dt = getattr(torch, dtype)
    q, k, v = (x.to(dt).to(torch.float64) for x in (q, k, v))  # keeps the strides
    want = () if (no_grad or with_lse) else ("q", "k", "v")
    opts = dict(causal=causal, block_q=block_q, block_k=block_k, scale=scale, query_offset=query_offset)

    def ours(device):
        def fn(leaves):
            if with_lse:
                out, lse = ext.block_attention_with_lse(leaves["q"], leaves["k"], leaves["v"], **opts)
                return {"out": out, "lse": lse}
            return {"out": ext.block_attention(leaves["q"], leaves["k"], leaves["v"], **opts)}
        leaves = {n: x.detach().to(device, dt, copy=True).requires_grad_(n in want)  # copy keeps the strides
                  for n, x in (("q", q), ("k", k), ("v", v))}
        if noncontig:
            assert not leaves["q"].is_contiguous()
        return run_graph(fn, leaves, want, weights)

    def reference(leaves):
        out, lse = ref_attention(leaves["q"], leaves["k"], leaves["v"], causal, scale, query_offset)
        return {"out": out, "lse": lse} if with_lse else {"out": out}

    ref = run_graph(reference, {n: x.clone().requires_grad_(n in want) for n, x in (("q", q), ("k", k), ("v", v))},
                    want, weights)
    kinds = {n: ("grad" if n.startswith("d_") else "value") for n in ref}
    compare_all(rep, "attention/" + name, devices, ours, ref, kinds)


def compare_all(rep, case, devices, ours, ref, kinds):
    results = {}
    for dev in devices:
        results[dev] = ours(dev)
        record_comparison(rep, case, "%s vs f64" % dev, results[dev], ref, kinds)
    if "cuda" in results and "cpu" in results:
        cpu_as_ref = {n: results["cpu"].get(n) for n in ref}
        record_comparison(rep, case, "cuda vs cpu", results["cuda"], cpu_as_ref, kinds)


def reference_bindings_case(rep, ext, devices):
    """KernelReference (C++) against the float64 references here: it is what the Qt tests compare with."""
    g = gen(7)
    h = torch.randn(9, 16, generator=g, dtype=torch.float64)
    W = torch.randn(50, 16, generator=g, dtype=torch.float64) * 0.5
    t = torch.randint(0, 50, (9,), generator=g)
    q = torch.randn(1, 4, 11, 32, generator=g, dtype=torch.float64)
    k = torch.randn(1, 2, 15, 32, generator=g, dtype=torch.float64)
    v = torch.randn(1, 2, 15, 32, generator=g, dtype=torch.float64)
    lp, ent = ref_log_probs(h, W, t, 0.8)
    out, _ = ref_attention(q, k, v, True, 0.0, 2)
    for dev in devices:
        got_lp, got_ent = ext.reference_log_probs(h.to(dev), W.to(dev), t.to(dev), 0.8)
        got_out = ext.reference_attention(q.to(dev), k.to(dev), v.to(dev), True, 0.0, 2)
        record_comparison(rep, "KernelReference f64", "%s vs f64" % dev, {"lp": got_lp, "ent": got_ent, "out": got_out},
                          {"lp": lp, "ent": ent, "out": out}, {"lp": "value", "ent": "value", "out": "value"})


def expect_error(rep, name, fn, must_contain, dev):
    """fn must raise RuntimeError (KernelError through pybind11) whose text contains must_contain."""
    msg, why, ok = "", "", False
    try:
        fn()
        if dev == "cuda":
            torch.cuda.synchronize()
        why = "no exception"
    except RuntimeError as e:
        msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
        ok = must_contain in str(e)
        why = "" if ok else "message lacks %r" % must_contain
    except Exception as e:  # noqa: BLE001 (any other type is a finding)
        msg = "%s: %s" % (type(e).__name__, e)
        why = "raised %s, not RuntimeError" % type(e).__name__
    line = "[%s] %-58s %s" % ("PASS" if ok else "FAIL", "error/%s [%s]" % (name, dev),
                              ("raised: " + msg[:160]) if ok else "%s (%s)" % (why, msg[:160]))
    rep.add({"name": "error/%s [%s]" % (name, dev), "pass": ok, "message": msg, "why": why, "line": line})


def error_cases(rep, ext, devices):
    g = gen(99)
    cuda = "cuda" in devices
    # Both devices: the validation in ChunkedLogProbs / BlockAttention, before any kernel.
    for dev in devices:
        h = torch.randn(5, 8, generator=g).to(dev)
        W = torch.randn(20, 8, generator=g).to(dev)
        expect_error(rep, "target out of range", lambda: ext.chunked_log_probs(
            h, W, torch.tensor([0, 1, 2, 3, 20]).to(dev)), "target id out of", dev)
        q = torch.randn(1, 3, 4, 32, generator=g).to(dev)
        kv = torch.randn(1, 2, 4, 32, generator=g).to(dev)
        expect_error(rep, "Hq not a multiple of Hkv", lambda: ext.block_attention(q, kv, kv),
                     "multiple of kv heads", dev)
    if not cuda:
        return
    # Head sizes the flash kernels do not take (32, 64, 128 only): BlockAttention runs its LibTorch tile path on
    # the GPU instead (the attention cases "D=48/D=256" check its values); the raw launcher names the head size.
    for D in (48, 256):
        q = torch.randn(1, 2, 8, D, generator=g).cuda()
        expect_error(rep, "CudaKernels::attentionForward D=%d" % D,
                     lambda: ext.cuda_attention_forward(q, q, q, D ** -0.5, True), "head size %d" % D, "cuda")
        ok = not ext.cuda_attention_usable(q)
        rep.add({"name": "error/attention_usable(D=%d) is false" % D, "pass": ok,
                 "line": "[%s] %-58s %s" % ("PASS" if ok else "FAIL", "error/attention_usable(D=%d) [cuda]" % D,
                                             "false" if ok else "true")})
    # Mixed devices are rejected by name, before any data pointer is taken.
    hc, Wc = torch.randn(5, 8, generator=g).cuda(), torch.randn(20, 8, generator=g)
    t = torch.tensor([0, 1, 2, 3, 4])
    expect_error(rep, "hidden cuda, weight cpu", lambda: ext.chunked_log_probs(hc, Wc, t.cuda()),
                 "different devices", "cuda")
    expect_error(rep, "hidden+weight cuda, targets cpu", lambda: ext.chunked_log_probs(hc, Wc.cuda(), t),
                 "different devices", "cuda")
    q = torch.randn(1, 2, 8, 64, generator=g)
    expect_error(rep, "q cuda, k/v cpu", lambda: ext.block_attention(q.cuda(), q, q), "different devices", "cuda")
    expect_error(rep, "q/k cuda, v cpu", lambda: ext.block_attention(q.cuda(), q.cuda(), q),
                 "different devices", "cuda")
    # After all that, a plain call still works (no sticky CUDA error).
    ok, msg = True, ""
    try:
        qq = torch.randn(1, 2, 16, 64, generator=g, dtype=torch.float64)
        out = ext.block_attention(qq.float().cuda(), qq.float().cuda(), qq.float().cuda())
        torch.cuda.synchronize()
        ref, _ = ref_attention(qq, qq, qq, True, 0.0, -1)
        c = compare_tensor(out, ref, "value")
        ok, msg = c["pass"], "max_err=%.3g tol=%.3g" % (c["max_abs"], c["tol"])
    except Exception as e:  # noqa: BLE001
        ok, msg = False, "%s: %s" % (type(e).__name__, e)
    rep.add({"name": "error/cuda usable after the errors [cuda]", "pass": ok, "detail": msg,
             "line": "[%s] %-58s %s" % ("PASS" if ok else "FAIL", "error/cuda usable after the errors [cuda]", msg)})


def all_cases(ext, devices):
    """(name, thunk(rep)) in run order: cheap and most telling first."""
    cuda = "cuda" in devices
    L = []

    def lp(name, **kw):
        L.append(("logprob/" + name, lambda rep: logprob_case(rep, ext, devices, name, **kw)))

    def at(name, **kw):
        L.append(("attention/" + name, lambda rep: attention_case(rep, ext, devices, name, **kw)))

    lp("ragged T=37 V=1000 chunk=16", T=37, H=24, V=1000, chunk=16, seed=1)
    lp("temp=0.7 V=1537 chunk=7", T=50, H=32, V=1537, chunk=7, temperature=0.7, seed=2)
    lp("entropy off temp=1.3 chunk>T", T=23, H=16, V=777, chunk=64, temperature=1.3, entropy=False,
       loss=("lp",), seed=3)
    lp("entropy on, loss on logprob only", T=40, H=16, V=600, chunk=9, loss=("lp",), seed=4)
    lp("loss on entropy only", T=40, H=16, V=600, chunk=9, loss=("ent",), seed=5)
    lp("grad w.r.t. hidden only, logits ~10", T=31, H=32, V=2049, chunk=12, w_scale=1.8, temperature=0.9,
       grad=("hidden",), seed=6)
    lp("kl k1", T=19, H=16, V=300, chunk=8, kl="k1", loss=("kl",), seed=7)
    lp("kl k2 + entropy", T=19, H=16, V=300, chunk=8, kl="k2", loss=("kl", "ent"), seed=8)
    lp("kl k3 temp=0.6", T=19, H=16, V=300, chunk=5, kl="k3", temperature=0.6, loss=("kl", "lp"), seed=9)
    lp("kl low_var_kl", T=19, H=16, V=300, chunk=8, kl="low_var_kl", loss=("kl",), seed=40)
    lp("no grad (old/ref log-probs)", T=45, H=24, V=1000, chunk=16, temperature=0.8, no_grad=True, seed=10)
    lp("V=5000 > 256-thread row, T=300 chunk=128", T=300, H=64, V=5000, chunk=128, temperature=1.1, seed=11)
    if cuda:  # float64 on CUDA takes the LibTorch path, not the kernels
        lp("float64 (LibTorch path)", T=21, H=16, V=500, chunk=8, dtype="float64", seed=12)

    at("GQA 4/2 causal D=32 T=S=37 tiles 16x8", B=2, Hq=4, Hkv=2, T=37, S=37, D=32, block_q=16, block_k=8, seed=21)
    at("prefill after cache T=20 S=53 D=64", B=1, Hq=6, Hkv=2, T=20, S=53, D=64, block_q=8, block_k=16, seed=22)
    at("non-causal D=128 scale=0.3 T=29 S=41", B=1, Hq=2, Hkv=2, T=29, S=41, D=128, causal=False, scale=0.3,
       block_q=7, block_k=10, seed=23)
    at("causal queryOffset=12 T=70 S=90 D=64 GQA 8/2", B=1, Hq=8, Hkv=2, T=70, S=90, D=64, query_offset=12,
       block_q=32, block_k=32, seed=24)
    at("GQA 4/1 causal T=S=65 D=32 (crosses 64 rows)", B=2, Hq=4, Hkv=1, T=65, S=65, D=32, seed=25)
    at("non-contiguous q/k/v causal T=S=33 D=64", B=2, Hq=4, Hkv=2, T=33, S=33, D=64, noncontig=True, seed=26)
    at("non-causal T=50 > S=20 D=32", B=1, Hq=2, Hkv=1, T=50, S=20, D=32, causal=False, seed=27)
    at("decode T=1 S=77 D=128", B=2, Hq=4, Hkv=2, T=1, S=77, D=128, seed=28)
    at("forwardWithLse causal T=20 S=53 D=64", B=1, Hq=4, Hkv=2, T=20, S=53, D=64, with_lse=True, seed=29)
    at("no grad causal T=S=40 D=128", B=1, Hq=4, Hkv=4, T=40, S=40, D=128, no_grad=True, seed=30)
    if cuda:
        at("float64 (LibTorch path) T=S=30 D=64", B=1, Hq=4, Hkv=2, T=30, S=30, D=64, dtype="float64", seed=31)
    # Head sizes the flash kernels do not take: the tile path, on the GPU too.
    at("D=48 (tile path) T=S=30", B=1, Hq=4, Hkv=2, T=30, S=30, D=48, block_q=16, block_k=16, seed=32)
    if cuda:
        at("D=256 (tile path on the GPU) T=S=20", B=1, Hq=2, Hkv=1, T=20, S=20, D=256, block_q=8, block_k=8, seed=33)

    L.append(("KernelReference", lambda rep: reference_bindings_case(rep, ext, devices)))
    L.append(("errors", lambda rep: error_cases(rep, ext, devices)))
    return L


# ----------------------------------------------------------------------------------------------------------
# Build
# ----------------------------------------------------------------------------------------------------------


def build_extension(rep, args, with_cuda):
    from torch.utils import cpp_extension

    name = "longrl_glue_cuda" if with_cuda else "longrl_glue_cpu"
    build_dir = Path(args.build_dir) / name
    build_dir.mkdir(parents=True, exist_ok=True)
    sources = [str(REPO_ROOT / s) for s in CPP_SOURCES + (CUDA_SOURCES if with_cuda else [])]
    # -std=c++17: torch 1.13's default is c++14 (the kernels use C++17); 2.x's is c++17 already.
    cflags = ["-O2", "-std=c++17"]
    cuda_cflags = []
    if with_cuda:
        # CudaKernels.cpp tests LONGRL_HAVE_CUDA_KERNELS (what CMake defines with LONGRL_CUDA=ON); set both.
        cflags += ["-DLONGRL_CUDA", "-DLONGRL_HAVE_CUDA_KERNELS=1"]
        cuda_cflags = ["-O3", "-arch=" + args.arch, "-std=c++17", "-lineinfo"]
        # Some torch versions add -gencode for TORCH_CUDA_ARCH_LIST (or every visible GPU's arch) on top of
        # -arch: pin it to the same arch so nothing else gets compiled.
        if args.arch.startswith("sm_") and "TORCH_CUDA_ARCH_LIST" not in os.environ:
            digits = args.arch[3:]
            os.environ["TORCH_CUDA_ARCH_LIST"] = "%s.%s" % (digits[:-1], digits[-1])
    if args.rebuild:
        for f in build_dir.glob("*"):
            if f.is_file():
                f.unlink()
    info = {"name": name, "dir": str(build_dir), "sources": [s for s in CPP_SOURCES] +
            (CUDA_SOURCES if with_cuda else []), "cflags": cflags, "cuda_cflags": cuda_cflags,
            "max_jobs": os.environ.get("MAX_JOBS"), "torch_cuda_arch_list": os.environ.get("TORCH_CUDA_ARCH_LIST")}
    rep.data["build"] = info
    rep.log("building %s (%d sources%s) in %s ..." % (name, len(sources), ", CUDA" if with_cuda else "", build_dir))
    t = time.monotonic()
    try:
        ext = cpp_extension.load(name=name, sources=sources, extra_include_paths=[str(REPO_ROOT)],
                                 extra_cflags=cflags, extra_cuda_cflags=cuda_cflags, build_directory=str(build_dir),
                                 with_cuda=with_cuda, verbose=args.verbose_build)
    finally:
        info["seconds"] = round(time.monotonic() - t, 1)
        rep.log("build time: %.1f s" % info["seconds"])
    return ext


# ----------------------------------------------------------------------------------------------------------


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", default=None, help="write the JSON summary here (rewritten after every check)")
    p.add_argument("--build-dir", default="/tmp/longrl-glue-build", help="torch extension build directory root")
    p.add_argument("--cpu-only", action="store_true", help="build without CUDA and run the CPU half (no GPU needed)")
    p.add_argument("--deadline-s", type=float, default=140.0,
                   help="wall-clock budget for build + checks; what is left at the deadline is skipped (exit 1)")
    p.add_argument("--arch", default="sm_90", help="nvcc -arch for kernels/cuda/*.cu (sm_90: H100/H200)")
    p.add_argument("--rebuild", action="store_true", help="delete the build directory's files first")
    p.add_argument("--verbose-build", action="store_true", help="show the compiler commands")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    rep = Report(args.json)
    exit_code = EXIT_FAIL

    def on_term(signum, frame):  # `timeout` sends SIGTERM: record it in the JSON before going
        raise KeyboardInterrupt("signal %d" % signum)

    def on_alarm(signum, frame):
        raise DeadlineExceeded("--deadline-s %.0f reached" % args.deadline_s)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(max(1, int(math.ceil(args.deadline_s))))
    try:
        exit_code = run(rep, args)
    except (KeyboardInterrupt, DeadlineExceeded) as e:
        rep.error("FATAL: interrupted", e)
        exit_code = EXIT_BUILD if rep.data.get("phase") == "build" else EXIT_FAIL
    except Exception as e:  # noqa: BLE001
        rep.error("FATAL: unexpected", e)
        exit_code = EXIT_FAIL
    finally:
        signal.alarm(0)
    rep.data["exit_code"] = exit_code
    rep.data["status"] = "done"
    rep.save()
    rep.log("exit code %d (%.1f s)" % (exit_code, time.monotonic() - rep.t0))
    return exit_code


def run(rep, args):
    global torch
    try:
        import torch as _torch
        torch = _torch
    except ImportError as e:
        rep.error("no torch", e)
        return EXIT_NO_GPU
    has_gpu = torch.cuda.is_available()
    rep.data["env"].update({"python": sys.version.split()[0], "torch": torch.__version__,
                            "torch_cuda": getattr(torch.version, "cuda", None), "cuda_available": has_gpu,
                            "cpu_only": args.cpu_only})
    if not has_gpu and not args.cpu_only:
        rep.error("no CUDA GPU visible to torch %s (torch.version.cuda=%s); --cpu-only runs the CPU half"
                  % (torch.__version__, getattr(torch.version, "cuda", None)))
        return EXIT_NO_GPU
    with_cuda = has_gpu and not args.cpu_only
    devices = ["cpu", "cuda"] if with_cuda else ["cpu"]
    if with_cuda:
        p = torch.cuda.get_device_properties(0)
        rep.data["env"]["gpu"] = "%s sm_%d%d" % (p.name, p.major, p.minor)
    # fp32 means fp32: no TF32 in the matmuls inside the glue. The same legacy calls, in the same order, as
    # check_cuda_kernels.py (run on torch 2.11); torch >= 2.9 may refuse a mix of these and fp32_precision.
    torch.set_float32_matmul_precision("highest")
    if with_cuda:
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    rep.log("torch %s (CUDA %s), devices: %s%s" % (torch.__version__, torch.version.cuda, ", ".join(devices),
                                                  ", GPU " + rep.data["env"]["gpu"] if with_cuda else ""))

    rep.data["phase"] = "build"
    try:
        ext = build_extension(rep, args, with_cuda)
    except DeadlineExceeded:
        raise
    except Exception as e:  # noqa: BLE001 (compiler errors arrive as RuntimeError with the ninja output)
        text = str(e)
        rep.log(text[-6000:])
        rep.error("BUILD FAILED", type(e).__name__ + ": " + text[-3000:])
        return EXIT_BUILD
    rep.data["phase"] = "checks"
    compiled = bool(ext.cuda_compiled())
    ok = compiled == with_cuda
    rep.add({"name": "CudaKernels::compiled()", "pass": ok, "line": "[%s] %-58s %s (expected %s)" % (
        "PASS" if ok else "FAIL", "CudaKernels::compiled()", compiled, with_cuda)})
    if with_cuda:
        ok = bool(ext.cuda_usable(torch.zeros(1, device="cuda"))) and not ext.cuda_usable(torch.zeros(1))
        rep.add({"name": "CudaKernels::usable(cuda / cpu tensor)", "pass": ok, "line": "[%s] %-58s %s" % (
            "PASS" if ok else "FAIL", "CudaKernels::usable(cuda / cpu tensor)", "true / false" if ok else "wrong")})

    deadline = rep.t0 + args.deadline_s - 3.0  # keep a few seconds for the summary
    for name, thunk in all_cases(ext, devices):
        if time.monotonic() > deadline:
            rep.data["skipped"].append(name)
            continue
        try:
            thunk(rep)
        except DeadlineExceeded:
            raise
        except Exception as e:  # noqa: BLE001 (an exception in a case is that case's failure)
            msg = "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0] if str(e).strip() else "")
            rep.log(traceback.format_exc().rstrip())
            rep.add({"name": name, "pass": False, "why": msg[:2000],
                     "line": "[FAIL] %-58s raised %s" % (name, msg[:200])})
        if with_cuda:
            torch.cuda.synchronize()

    d = rep.data
    rep.log("")
    rep.log("summary: %d passed, %d failed, %d skipped (deadline); build %.1f s; devices %s; torch %s" % (
        d["passed"], d["failed"], len(d["skipped"]), d["build"].get("seconds", -1), "+".join(devices),
        torch.__version__))
    for c in d["checks"]:
        if not c["pass"]:
            rep.log("  FAILED: " + c["line"])
    for s in d["skipped"]:
        rep.log("  SKIPPED (deadline): " + s)
    return EXIT_FAIL if (d["failed"] or d["skipped"]) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
