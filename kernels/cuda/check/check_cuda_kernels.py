#!/usr/bin/env python3
"""Standalone GPU check of longrl's CUDA kernels (kernels/cuda/RowStats.cu, FlashAttention.cu).

Why this exists: the GPU machine this runs on has nvcc and PyTorch but neither Qt nor this project's LibTorch
build, so the kernels are compiled on their own (plus the extern "C" shim LongrlCudaCApi.cu) into a shared
library and driven through ctypes with torch CUDA tensors' data_ptr(). Device time there is scarce (one run of
a few minutes), so one invocation checks everything, prints it, and writes a JSON summary as it goes (a run
killed by a timeout still leaves the sections that finished).

    python3 kernels/cuda/check/check_cuda_kernels.py [--json PATH] [--build-dir DIR] [--quick]
    compute-sanitizer --tool memcheck python3 kernels/cuda/check/check_cuda_kernels.py --quick
    python3 kernels/cuda/check/check_cuda_kernels.py --selftest-references   # CPU only: checks the references

What it does:
  a) correctness of rowStats/rowGrad/flashForward/flashBackward against float64 torch references (values and
     gradients, ragged shapes, GQA, queryOffset, temperature), the error path (unsupported D) and the chunked
     log-prob pipeline (matmul + rowStats/rowGrad) end to end;
  b) benchmarks (skipped with --quick): flash attention vs torch SDPA and naive attention at long T, and the
     chunked log-prob + entropy vs the naive full-logits version; time-boxed by --bench-budget-s.

Exit codes: 0 all correctness checks passed; 1 a correctness check failed (or a CUDA error broke the run);
2 no GPU / no torch / torch without CUDA; 3 the library could not be built or loaded.
Keep code on the --selftest-references path compatible with torch 1.13 (the CPU-only dev machine's).
"""

import argparse
import ctypes
import gc
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
import traceback
from pathlib import Path

from check_json import save_summary  # beside this script

SCRIPT_VERSION = 1
CAPI_VERSION = 1  # must match longrl_capi_version() in LongrlCudaCApi.cu
REPO_ROOT = Path(__file__).resolve().parents[3]  # kernels/cuda/check/<this> -> repo root
SOURCES = ["kernels/cuda/RowStats.cu", "kernels/cuda/FlashAttention.cu", "kernels/cuda/check/LongrlCudaCApi.cu"]
HEADERS = ["kernels/cuda/LongrlCuda.h"]
LIB_NAME = "liblongrl_cuda_check.so"

EXIT_OK, EXIT_FAIL, EXIT_NO_GPU, EXIT_BUILD = 0, 1, 2, 3

torch = None  # imported lazily so that --help and a missing torch give a clear message


def import_torch():
    global torch
    if torch is None:
        import torch as _torch  # noqa: WPS433 (lazy on purpose)
        torch = _torch
    return torch


# ----------------------------------------------------------------------------------------------------------
# Report: human-readable lines on stdout, plus a JSON summary rewritten after every section.
# ----------------------------------------------------------------------------------------------------------


class Report:
    def __init__(self, json_path):
        self.json_path = Path(json_path) if json_path else None
        self.t0 = time.monotonic()
        self.data = {
            "script_version": SCRIPT_VERSION,
            "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "argv": sys.argv,
            "host": platform.node(),
            "env": {},
            "build": {},
            "correctness": {"passed": 0, "failed": 0, "checks": []},
            "info_checks": [],
            "benchmarks": {"flash": [], "logprob": []},
            "errors": [],
            "status": "running",
        }

    def log(self, msg=""):
        print(msg, flush=True)

    def section(self, title):
        self.log("")
        self.log("=" * 100)
        self.log("%s   (t=%.1fs)" % (title, time.monotonic() - self.t0))
        self.log("=" * 100)

    def error(self, what, exc=None):
        detail = "%s: %r" % (what, exc) if exc is not None else what
        self.log("ERROR " + detail)
        if exc is not None:
            self.log(traceback.format_exc().rstrip())
        self.data["errors"].append(detail[:2000])
        self.save()

    def add_check(self, rec, informational=False):
        if informational:
            self.data["info_checks"].append(rec)
        else:
            c = self.data["correctness"]
            c["checks"].append(rec)
            c["passed" if rec["pass"] else "failed"] += 1

    def failed(self):
        return self.data["correctness"]["failed"] > 0 or any(
            e.startswith("FATAL") for e in self.data["errors"])

    def save(self):
        save_summary(self.json_path, self.data, self.t0)


def fmt(x):
    return "%.3g" % x if isinstance(x, float) else str(x)


# ----------------------------------------------------------------------------------------------------------
# Comparison with tolerances.
#
# Tolerance rationale (fp32 kernels vs float64 references): the kernels accumulate in fp32 (eps = 6e-8) over at
# most a few thousand terms per output and use __expf (a few ulp, growing with |x|), so a correct kernel is
# expected within ~1e-6..1e-5 of the reference relative to the tensor's scale. Each check passes iff every
# element satisfies |got - ref| <= atol + rtol * |ref|, with atol = ATOL * max(1, max|ref|) (scale-aware, so
# gradients of size 1e-5 are not "passed" by an absolute 1e-3) and ATOL around 1e-4: 10-100x above the
# expected fp32 noise, but far below what real bugs look like: a missed/extra key in a softmax over S <= ~1000
# keys shifts outputs by ~1/S >= 1e-3, and a missed vocab element is caught by spike rows (a +12 logit placed
# on block/tile boundaries and the last column), which move lse by O(1) when dropped. Non-finite output fails.
# ----------------------------------------------------------------------------------------------------------

TOL = {
    # name: (ATOL relative to max(1, max|ref|), rtol)
    "row_value": (1e-4, 1e-5),   # logprob, lse, entropy (|z| up to ~50 here: ulp(50) = 4e-6)
    "row_grad": (1e-4, 1e-3),    # rowGrad output (p-sized values; target column ~ gLp)
    "attn_value": (1e-4, 1e-4),  # out, lse
    "attn_grad": (1e-4, 1e-3),   # dq, dk, dv
    "pipeline": (2e-4, 1e-3),    # chunked log-prob end to end (fp32 cuBLAS matmuls inside)
}


def compare(name, got, ref, tol_kind, extra=None):
    """Compares an fp32 kernel output with a float64 reference; returns a JSON-able record."""
    atol_rel, rtol = TOL[tol_kind]
    rec = {"name": name, "tol_kind": tol_kind}
    if extra:
        rec.update(extra)
    g = got.detach().to(torch.float64)
    r = ref.detach().to(torch.float64)
    if tuple(g.shape) != tuple(r.shape):
        rec.update({"pass": False, "why": "shape %s vs reference %s" % (tuple(g.shape), tuple(r.shape))})
        return rec
    if g.numel() == 0:
        rec.update({"pass": True, "max_abs": 0.0, "max_rel": 0.0, "numel": 0})
        return rec
    ref_max = r.abs().max().item()
    atol = atol_rel * max(1.0, ref_max)
    nonfinite = int((~torch.isfinite(g)).sum().item())
    diff = (g - r).abs()
    max_abs = diff.max().item()
    # Relative error, with values tiny compared with the tensor's scale counted at 1e-3 of that scale
    # (otherwise a 1e-12 reference element makes any relative number meaningless).
    denom = r.abs().clamp_min(1e-3 * max(ref_max, 1e-30))
    max_rel = (diff / denom).max().item()
    worst = (diff / (atol + rtol * r.abs())).max().item()  # <= 1 passes
    idx = int(diff.reshape(-1).argmax().item())
    ok = nonfinite == 0 and worst <= 1.0 and math.isfinite(max_abs)
    rec.update({
        "pass": bool(ok), "max_abs": max_abs, "max_rel": max_rel, "ref_absmax": ref_max, "atol": atol,
        "rtol": rtol, "worst_over_tol": worst, "nonfinite": nonfinite, "numel": g.numel(),
        "worst_index": list(unravel(idx, tuple(g.shape))),
        "worst_got": g.reshape(-1)[idx].item(), "worst_ref": r.reshape(-1)[idx].item(),
    })
    return rec


def unravel(idx, shape):
    out = []
    for n in reversed(shape):
        out.append(idx % n if n else 0)
        idx = idx // n if n else 0
    return tuple(reversed(out))


def log_check(rep, rec, informational=False):
    tag = "INFO" if informational else ("PASS" if rec.get("pass") else "FAIL")
    if "max_abs" in rec:
        line = "[%s] %-62s max_abs=%-9s max_rel=%-9s |ref|max=%-8s worst/tol=%s" % (
            tag, rec["name"], fmt(rec["max_abs"]), fmt(rec["max_rel"]), fmt(rec.get("ref_absmax", 0.0)),
            fmt(rec.get("worst_over_tol", 0.0)))
        if rec.get("nonfinite"):
            line += " NONFINITE=%d" % rec["nonfinite"]
        if not rec.get("pass") and "worst_index" in rec:
            line += " at %s got %s ref %s" % (rec["worst_index"], fmt(rec["worst_got"]), fmt(rec["worst_ref"]))
    else:
        line = "[%s] %-62s %s" % (tag, rec["name"], rec.get("why", rec.get("detail", "")))
    rep.log(line)
    rep.add_check(rec, informational)


# ----------------------------------------------------------------------------------------------------------
# float64 references (device-agnostic, torch-1.13 compatible: they also run in --selftest-references on CPU).
# ----------------------------------------------------------------------------------------------------------


def ref_row_stats(z, targets):
    """Rows of z [R,V] (already temperature-scaled). Returns logprob, entropy, lse, as LongrlCuda.h states:
    lse = logsumexp(z), logprob = z[target] - lse = log_softmax(z)[target], entropy = -(p * log p).sum."""
    logp = torch.log_softmax(z, dim=1)
    lse = torch.logsumexp(z, dim=1)
    lp = logp.gather(1, targets.unsqueeze(1)).squeeze(1)
    p = logp.exp()
    ent = -torch.where(p > 0, p * logp, torch.zeros_like(p)).sum(1)  # 0 log 0 = 0 (masked -inf logits)
    return lp, ent, lse


def ref_row_grad(z, targets, g_lp, g_ent, inv_temp):
    """What rowGrad must write: invTemp * d/dz (sum_r gLp[r] logprob[r] + sum_r gEnt[r] entropy[r]), z being
    the temperature-scaled logits the kernel was given (so the result is the gradient w.r.t. the raw logits
    x = z * temperature). By autograd, not by the header's closed form, so the two are independent."""
    zz = z.detach().clone().requires_grad_(True)
    lp, ent, _ = ref_row_stats(zz, targets)
    loss = (g_lp * lp).sum()
    if g_ent is not None:
        loss = loss + (g_ent * ent).sum()
    (grad,) = torch.autograd.grad(loss, zz)
    return grad * inv_temp


def row_grad_closed_form(z, targets, lse, ent, g_lp, g_ent, inv_temp):
    """The header's formula, invTemp * (gLp (onehot - p) - gEnt p (log p + H)); for the selftest (and for the
    emulated kernel): it must agree with ref_row_grad's autograd."""
    logp = z - lse.unsqueeze(1)
    p = logp.exp()
    grad = -p * g_lp.unsqueeze(1)
    if g_ent is not None:
        grad = grad - g_ent.unsqueeze(1) * p * (logp + ent.unsqueeze(1))
    grad = grad.scatter_add(1, targets.unsqueeze(1), g_lp.unsqueeze(1))
    return grad * inv_temp


def causal_visible(T, S, query_offset, device):
    """[T,S] bool: query t sees key j iff j <= queryOffset + t (LongrlCuda.h)."""
    i = torch.arange(T, device=device).unsqueeze(1)
    j = torch.arange(S, device=device).unsqueeze(0)
    return j <= query_offset + i


def ref_attention(q, k, v, scale, causal, query_offset):
    """Explicit attention in the inputs' dtype (float64 for references). q [B,Hq,T,D], k/v [B,Hkv,S,D];
    query head h uses kv head h // (Hq/Hkv) (repeat_interleave, as the kernels and BlockAttention do).
    Returns out [B,Hq,T,D], lse [B,Hq,T]. Differentiable (autograd gives dq, dk, dv)."""
    group = q.shape[1] // k.shape[1]
    kr = k.repeat_interleave(group, dim=1)
    vr = v.repeat_interleave(group, dim=1)
    s = torch.matmul(q, kr.transpose(-1, -2)) * scale
    if causal:
        vis = causal_visible(q.shape[2], k.shape[2], query_offset, q.device)
        s = s.masked_fill(~vis, float("-inf"))
    lse = torch.logsumexp(s, dim=-1)
    p = torch.exp(s - lse.unsqueeze(-1))  # explicit softmax
    return torch.matmul(p, vr), lse


def ref_attention_loops(q, k, v, scale, causal, query_offset):
    """Scalar-loop attention for tiny shapes: an independent check of ref_attention in the selftest."""
    B, Hq, T, D = q.shape
    Hkv, S = k.shape[1], k.shape[2]
    group = Hq // Hkv
    out = torch.zeros(B, Hq, T, D, dtype=torch.float64)
    lse = torch.zeros(B, Hq, T, dtype=torch.float64)
    for b in range(B):
        for h in range(Hq):
            hk = h // group
            for i in range(T):
                keys = [j for j in range(S) if (not causal) or j <= query_offset + i]
                sc = [scale * sum(float(q[b, h, i, d]) * float(k[b, hk, j, d]) for d in range(D)) for j in keys]
                m = max(sc)
                den = sum(math.exp(x - m) for x in sc)
                lse[b, h, i] = m + math.log(den)
                for d in range(D):
                    out[b, h, i, d] = sum(math.exp(x - m) / den * float(v[b, hk, j, d]) for x, j in zip(sc, keys))
    return out, lse


def naive_attention(q, k, v, scale, causal, query_offset, inplace_softmax=False):
    """Materialised attention as a user would write it in torch (the benchmark's "naive" baseline).
    inplace_softmax (no autograd): keeps a single [B,Hq,T,S] buffer."""
    group = q.shape[1] // k.shape[1]
    kr = k.repeat_interleave(group, dim=1) if group > 1 else k
    vr = v.repeat_interleave(group, dim=1) if group > 1 else v
    s = torch.matmul(q, kr.transpose(-1, -2))
    s.mul_(scale)  # in place on the matmul output: autograd allows it (mm saves its inputs, not its output)
    if causal:
        T, S = q.shape[2], k.shape[2]
        masked = torch.ones(T, S, dtype=torch.bool, device=q.device).triu_(query_offset + 1)  # j > off + i
        s.masked_fill_(masked, float("-inf"))
    if inplace_softmax:
        s.sub_(s.amax(dim=-1, keepdim=True)).exp_()
        s.div_(s.sum(dim=-1, keepdim=True))
        p = s
    else:
        p = torch.softmax(s, dim=-1)
    return torch.matmul(p, vr)


# Chunked log-prob pipeline, as kernels/ChunkedLogProbs.cpp does it: per chunk, logits = h_c W^T (scaled by
# 1/temperature), then rowStats; backward recomputes the chunk's logits, rowGrad turns them into dLoss/dlogits
# in place, and two matmuls give dh and dW. row_stats / row_grad are pluggable: the real kernels on the GPU,
# emulations (emu_*) in the CPU selftest, so the glue here is verified before the GPU run.


def pipeline_forward(h, W, targets, chunk, inv_temp, row_stats):
    T = h.shape[0]
    lp, ent, lse = h.new_empty(T), h.new_empty(T), h.new_empty(T)
    for r0 in range(0, T, chunk):
        r1 = min(T, r0 + chunk)
        z = torch.mm(h[r0:r1], W.t())
        if inv_temp != 1.0:
            z.mul_(inv_temp)
        row_stats(z, targets[r0:r1], lp[r0:r1], ent[r0:r1], lse[r0:r1])
        del z
    return lp, ent, lse


def pipeline_backward(h, W, targets, lse, ent, g_lp, g_ent, chunk, inv_temp, row_grad):
    T = h.shape[0]
    dh = torch.empty_like(h)
    dW = torch.zeros_like(W)
    for r0 in range(0, T, chunk):
        r1 = min(T, r0 + chunk)
        hc = h[r0:r1]
        z = torch.mm(hc, W.t())
        if inv_temp != 1.0:
            z.mul_(inv_temp)
        row_grad(z, targets[r0:r1], lse[r0:r1], ent[r0:r1], g_lp[r0:r1],
                 None if g_ent is None else g_ent[r0:r1], inv_temp)
        torch.mm(z, W, out=dh[r0:r1])
        dW.addmm_(z.t(), hc)
        del z
    return dh, dW


def emu_row_stats(z, targets, lp, ent, lse):
    """Torch emulation of the rowStats contract (selftest only)."""
    l = torch.logsumexp(z, dim=1)
    lse.copy_(l)
    lp.copy_(z.gather(1, targets.unsqueeze(1)).squeeze(1) - l)
    if ent is not None:
        ent.copy_(l - (torch.softmax(z, dim=1) * z).sum(1))


def emu_row_grad(z, targets, lse, ent, g_lp, g_ent, inv_temp):
    """Torch emulation of the rowGrad contract (in place, selftest only)."""
    z.copy_(row_grad_closed_form(z, targets, lse, ent, g_lp, g_ent, inv_temp))


def naive_logprob(h, W, targets, inv_temp, g_lp, g_ent):
    """Full-logits log-prob + entropy with autograd (the benchmark's baseline and, in float64, the pipeline's
    reference). Returns logprob, entropy, dh, dW of L = sum gLp logprob + sum gEnt entropy."""
    h = h.detach().requires_grad_(True)
    W = W.detach().requires_grad_(True)
    z = torch.mm(h, W.t())
    if inv_temp != 1.0:
        z = z * inv_temp
    logp = torch.log_softmax(z, dim=1)
    del z  # log_softmax keeps its output, not its input: the [T,V] logits can go
    lp = logp.gather(1, targets.unsqueeze(1)).squeeze(1)
    ent = -(logp.exp() * logp).sum(1)
    loss = (g_lp * lp).sum() + (g_ent * ent).sum()
    loss.backward()
    return lp.detach(), ent.detach(), h.grad, W.grad


# ----------------------------------------------------------------------------------------------------------
# Building and loading the library.
# ----------------------------------------------------------------------------------------------------------


class BuildError(RuntimeError):
    pass


def find_nvcc(explicit):
    cands = [explicit] if explicit else []
    cands += [shutil.which("nvcc")]
    for env in ("CUDA_HOME", "CUDA_PATH"):
        if os.environ.get(env):
            cands.append(os.path.join(os.environ[env], "bin", "nvcc"))
    cands.append("/usr/local/cuda/bin/nvcc")
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    raise BuildError("nvcc not found (tried --nvcc, PATH, $CUDA_HOME, /usr/local/cuda/bin)")


def build_library(rep, build_dir, arch, nvcc_path, force, timeout_s):
    """Compiles the kernels + C shim into build_dir/liblongrl_cuda_check.so unless an up-to-date one (same
    command, newer than every source) is there already."""
    build_dir = Path(build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    so = build_dir / LIB_NAME
    nvcc = find_nvcc(nvcc_path)
    # The brief's command, plus -lineinfo (source lines in compute-sanitizer reports; no effect on the code).
    cmd = [nvcc, "-O3", "-shared", "-Xcompiler", "-fPIC", "-arch=" + arch, "-std=c++17", "-lineinfo",
           "-I" + str(REPO_ROOT)] + [str(REPO_ROOT / s) for s in SOURCES]
    stamp = build_dir / (LIB_NAME + ".cmd")
    newest_src = max((REPO_ROOT / s).stat().st_mtime for s in SOURCES + HEADERS)
    info = {"so": str(so), "nvcc": nvcc, "cmd": " ".join(cmd + ["-o", str(so)])}
    try:
        info["nvcc_version"] = subprocess.run([nvcc, "--version"], capture_output=True, text=True,
                                              timeout=30).stdout.strip().splitlines()[-1]
    except Exception as e:  # informational only
        info["nvcc_version"] = "unknown (%r)" % e
    if (not force and so.exists() and stamp.exists() and stamp.read_text() == info["cmd"]
            and so.stat().st_mtime >= newest_src):
        info["reused"] = True
        rep.log("reusing %s (up to date; --rebuild to force)" % so)
        return so, info
    tmp = build_dir / (LIB_NAME + ".tmp")
    rep.log("building: " + " ".join(cmd + ["-o", str(tmp)]))
    t0 = time.monotonic()
    try:
        res = subprocess.run(cmd + ["-o", str(tmp)], cwd=str(REPO_ROOT), capture_output=True, text=True,
                             timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise BuildError("nvcc timed out after %ss" % timeout_s)
    info["build_s"] = round(time.monotonic() - t0, 1)
    info["nvcc_output"] = (res.stdout + res.stderr)[-4000:]
    if res.stdout.strip() or res.stderr.strip():
        rep.log((res.stdout + res.stderr).rstrip())
    if res.returncode != 0:
        raise BuildError("nvcc failed with exit code %d" % res.returncode)
    os.replace(str(tmp), str(so))
    stamp.write_text(info["cmd"])
    info["reused"] = False
    rep.log("built %s in %.1fs" % (so, info["build_s"]))
    return so, info


class KernelError(RuntimeError):
    pass


class Kernels:
    """ctypes bindings of LongrlCudaCApi.cu. Every call validates its tensors first (dtype, device, contiguity,
    sizes, target range), because a wrong pointer here would corrupt memory rather than raise."""

    def __init__(self, so_path):
        from ctypes import c_char_p, c_float, c_int, c_int64, c_void_p
        self.lib = lib = ctypes.CDLL(str(so_path))
        lib.longrl_capi_version.restype = c_int
        lib.longrl_capi_version.argtypes = []
        if lib.longrl_capi_version() != CAPI_VERSION:
            raise KernelError("stale library: C API version %d, expected %d (use --rebuild)"
                              % (lib.longrl_capi_version(), CAPI_VERSION))
        lib.longrl_row_stats.restype = c_int
        lib.longrl_row_stats.argtypes = [c_void_p, c_void_p, c_int64, c_int64, c_void_p, c_void_p, c_void_p,
                                         c_void_p]
        lib.longrl_row_grad.restype = c_int
        lib.longrl_row_grad.argtypes = [c_void_p, c_void_p, c_void_p, c_void_p, c_void_p, c_void_p, c_int64,
                                        c_int64, c_float, c_void_p]
        shape = [c_int64] * 6 + [c_float, c_int, c_int64]
        lib.longrl_flash_forward.restype = c_int
        lib.longrl_flash_forward.argtypes = shape + [c_void_p] * 6
        lib.longrl_flash_backward.restype = c_int
        lib.longrl_flash_backward.argtypes = shape + [c_void_p] * 11
        lib.longrl_device_synchronize.restype = c_int
        lib.longrl_device_synchronize.argtypes = []
        lib.longrl_get_last_error.restype = c_int
        lib.longrl_get_last_error.argtypes = []
        lib.longrl_error_string.restype = c_char_p
        lib.longrl_error_string.argtypes = [c_int]

    def error_string(self, code):
        s = self.lib.longrl_error_string(int(code))
        return s.decode() if s else "?"

    def sync(self, what):
        """Surfaces asynchronous kernel errors (illegal address...) at the call that caused them."""
        code = self.lib.longrl_device_synchronize()
        if code != 0:
            raise KernelError("FATAL: CUDA error %d (%s) after %s" % (code, self.error_string(code), what))

    @staticmethod
    def _stream():
        return ctypes.c_void_p(torch.cuda.current_stream().cuda_stream or None)

    @staticmethod
    def _p(t):
        return None if t is None else ctypes.c_void_p(t.data_ptr())

    @staticmethod
    def _expect(t, name, dtype=None, shape=None):
        dtype = dtype or torch.float32
        if t.dtype != dtype or not t.is_cuda or not t.is_contiguous():
            raise KernelError("%s must be a contiguous %s CUDA tensor (got %s, %s, contiguous=%s)"
                              % (name, dtype, t.dtype, t.device, t.is_contiguous()))
        if shape is not None and tuple(t.shape) != tuple(shape):
            raise KernelError("%s has shape %s, expected %s" % (name, tuple(t.shape), tuple(shape)))

    def _targets(self, targets, rows, vocab):
        self._expect(targets, "targets", torch.int64, (rows,))
        if rows and (int(targets.min()) < 0 or int(targets.max()) >= vocab):
            raise KernelError("targets out of [0, %d)" % vocab)  # the kernels do not bounds-check them

    def row_stats(self, z, targets, lp, ent, lse):
        R, V = z.shape
        self._expect(z, "logits")
        self._targets(targets, R, V)
        for t, n in ((lp, "logprob"), (lse, "lse")) + (((ent, "entropy"),) if ent is not None else ()):
            self._expect(t, n, shape=(R,))
        return self.lib.longrl_row_stats(self._p(z), self._p(targets), R, V, self._p(lp), self._p(ent),
                                         self._p(lse), self._stream())

    def row_grad(self, z, targets, lse, ent, g_lp, g_ent, inv_temp):
        R, V = z.shape
        self._expect(z, "logits")
        self._targets(targets, R, V)
        for t, n in ((lse, "lse"), (ent, "entropy"), (g_lp, "gradLogprob")) + (
                ((g_ent, "gradEntropy"),) if g_ent is not None else ()):
            self._expect(t, n, shape=(R,))
        return self.lib.longrl_row_grad(self._p(z), self._p(targets), self._p(lse), self._p(ent), self._p(g_lp),
                                        self._p(g_ent), R, V, float(inv_temp), self._stream())

    def _shape_args(self, q, k, scale, causal, query_offset):
        B, Hq, T, D = q.shape
        Hkv, S = k.shape[1], k.shape[2]
        return [B, Hq, Hkv, T, S, D, float(scale), 1 if causal else 0, int(query_offset)]

    def _check_qkv(self, q, k, v):
        self._expect(q, "q")
        self._expect(k, "k")
        self._expect(v, "v", shape=k.shape)
        if q.dim() != 4 or k.dim() != 4 or q.shape[0] != k.shape[0] or q.shape[3] != k.shape[3]:
            raise KernelError("q [B,Hq,T,D], k/v [B,Hkv,S,D] expected")
        if k.shape[1] == 0 or q.shape[1] % k.shape[1]:
            raise KernelError("Hq must be a multiple of Hkv")  # the kernels assume it without checking

    def flash_forward(self, q, k, v, out, lse, scale, causal, query_offset):
        self._check_qkv(q, k, v)
        self._expect(out, "out", shape=q.shape)
        self._expect(lse, "lse", shape=q.shape[:3])
        return self.lib.longrl_flash_forward(*self._shape_args(q, k, scale, causal, query_offset), self._p(q),
                                             self._p(k), self._p(v), self._p(out), self._p(lse), self._stream())

    def flash_backward(self, q, k, v, out, lse, dout, delta, dq, dk, dv, scale, causal, query_offset):
        self._check_qkv(q, k, v)
        for t, n, s in ((out, "out", q.shape), (dout, "dout", q.shape), (dq, "dq", q.shape),
                        (lse, "lse", q.shape[:3]), (delta, "delta", q.shape[:3]), (dk, "dk", k.shape),
                        (dv, "dv", k.shape)):
            self._expect(t, n, shape=s)
        return self.lib.longrl_flash_backward(
            *self._shape_args(q, k, scale, causal, query_offset), self._p(q), self._p(k), self._p(v),
            self._p(out), self._p(lse), self._p(dout), self._p(delta), self._p(dq), self._p(dk), self._p(dv),
            self._stream())

    # Convenience: allocate outputs, raise on a nonzero return code.
    def attention(self, q, k, v, scale, causal, query_offset):
        out = torch.empty_like(q)
        lse = torch.empty(q.shape[:3], device=q.device, dtype=torch.float32)
        rc = self.flash_forward(q, k, v, out, lse, scale, causal, query_offset)
        if rc:
            raise KernelError("flashForward returned %d (%s)" % (rc, self.error_string(rc)))
        return out, lse

    def attention_backward(self, q, k, v, out, lse, dout, scale, causal, query_offset):
        delta = torch.empty_like(lse)
        dq, dk, dv = torch.empty_like(q), torch.empty_like(k), torch.empty_like(v)
        rc = self.flash_backward(q, k, v, out, lse, dout, delta, dq, dk, dv, scale, causal, query_offset)
        if rc:
            raise KernelError("flashBackward returned %d (%s)" % (rc, self.error_string(rc)))
        return dq, dk, dv

    def row_stats_or_raise(self, z, targets, lp, ent, lse):
        rc = self.row_stats(z, targets, lp, ent, lse)
        if rc:
            raise KernelError("rowStats returned %d (%s)" % (rc, self.error_string(rc)))

    def row_grad_or_raise(self, z, targets, lse, ent, g_lp, g_ent, inv_temp):
        rc = self.row_grad(z, targets, lse, ent, g_lp, g_ent, inv_temp)
        if rc:
            raise KernelError("rowGrad returned %d (%s)" % (rc, self.error_string(rc)))


# ----------------------------------------------------------------------------------------------------------
# Correctness.
# ----------------------------------------------------------------------------------------------------------


def cpu_gen(seed):
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def make_row_inputs(rows, vocab, temperature, seed, offset=0.0, spikes=True):
    """Raw logits x ~ 2 N(0,1) with, per row, a +12 spike on a boundary column (0, V-1, 255, 256, V/2: the
    kernel's 256-thread stride and the tail), some rows shifted by +offset, and targets on the spike, the last
    column, column 0 or random. Returns z = x * (1/T) in fp32 (as ChunkedLogProbs does) and int64 targets."""
    g = cpu_gen(seed)
    x = torch.randn(rows, vocab, generator=g, dtype=torch.float32) * 2.0
    spike_cols = []
    for r in range(rows):
        c = [0, vocab - 1, 255, 256, vocab // 2][r % 5]
        c = min(c, vocab - 1)
        spike_cols.append(c)
        if spikes:
            x[r, c] += 12.0
        if offset and r % 3 == 2:
            x[r] += offset
    t = torch.randint(0, vocab, (rows,), generator=g, dtype=torch.int64)
    for r in range(rows):
        t[r] = [spike_cols[r], vocab - 1, 0, int(t[r])][r % 4]
    inv_temp = 1.0 / temperature
    z = x * inv_temp if inv_temp != 1.0 else x
    return z, t, inv_temp


ROW_CASES_FULL = [
    # rows, vocab, temperature, offset
    (1, 1, 1.0, 0.0), (3, 7, 0.7, 0.0), (5, 255, 1.0, 0.0), (7, 256, 1.3, 0.0), (6, 257, 0.7, 30.0),
    (13, 1000, 1.0, 0.0), (33, 4097, 0.7, 30.0), (64, 32000, 1.0, 0.0), (4, 151936, 0.7, 0.0),
    (300, 1023, 0.5, 0.0),
]
ROW_CASES_QUICK = [(1, 1, 1.0, 0.0), (3, 7, 0.7, 0.0), (6, 257, 0.7, 30.0), (5, 1000, 1.0, 0.0),
                   (2, 151936, 0.7, 0.0)]


def check_rows(rep, K, dev, quick):
    cases = ROW_CASES_QUICK if quick else ROW_CASES_FULL
    for ci, (R, V, temp, off) in enumerate(cases):
        z, t, inv_temp = make_row_inputs(R, V, temp, seed=100 + ci, offset=off)
        z, t = z.to(dev), t.to(dev)
        g = cpu_gen(200 + ci)
        g_lp = torch.randn(R, generator=g).to(dev)
        g_ent = (torch.randn(R, generator=g) * 0.5).to(dev)
        tag = "rows R=%d V=%d T=%g%s" % (R, V, temp, " +%g" % off if off else "")
        # Outputs pre-filled with NaN: a row the kernel forgets to write fails the check.
        lp, ent, lse = (torch.full((R,), float("nan"), device=dev) for _ in range(3))
        rc = K.row_stats(z, t, lp, ent, lse)
        K.sync("rowStats " + tag)
        if rc:
            log_check(rep, {"name": tag + " rowStats rc", "pass": False, "why": "rc=%d" % rc})
            continue
        rlp, rent, rlse = ref_row_stats(z.double(), t)
        for name, a, b in (("logprob", lp, rlp), ("entropy", ent, rent), ("lse", lse, rlse)):
            log_check(rep, compare("%s %s" % (tag, name), a, b, "row_value"))
        # rowGrad in place on a copy of z, with both gradients, then without gradEntropy (null pointer path).
        for with_ent in (True, False):
            zz = z.clone()
            rc = K.row_grad(zz, t, lse, ent, g_lp, g_ent if with_ent else None, inv_temp)
            K.sync("rowGrad " + tag)
            name = "%s rowGrad%s" % (tag, "" if with_ent else " (gradEntropy=null)")
            if rc:
                log_check(rep, {"name": name, "pass": False, "why": "rc=%d" % rc})
                continue
            ref = ref_row_grad(z.double(), t, g_lp.double(), g_ent.double() if with_ent else None, inv_temp)
            log_check(rep, compare(name, zz, ref, "row_grad"))
        if ci == 5 or (quick and ci == 3):  # entropy = null: logprob and lse unchanged
            lp2, lse2 = torch.full((R,), float("nan"), device=dev), torch.full((R,), float("nan"), device=dev)
            rc = K.row_stats(z, t, lp2, None, lse2)
            K.sync("rowStats entropy=null")
            log_check(rep, compare(tag + " logprob (entropy=null)", lp2, rlp, "row_value"))
            log_check(rep, compare(tag + " lse (entropy=null)", lse2, rlse, "row_value"))
    # rows = 0 must be a no-op returning 0.
    e = torch.empty(0, 5, device=dev)
    te = torch.empty(0, dtype=torch.int64, device=dev)
    o = torch.empty(0, device=dev)
    rc1 = K.row_stats(e, te, o, o, o)
    rc2 = K.row_grad(e, te, o, o, o, o, 1.0)
    K.sync("rows=0")
    log_check(rep, {"name": "rows=0 returns 0", "pass": rc1 == 0 and rc2 == 0, "why": "rc=%d,%d" % (rc1, rc2)})

    if quick:
        return
    # Informational: precision with large-magnitude logits (entropy = lse - E[z] cancels when |z| >> H; the
    # CPU path of ChunkedLogProbs uses log s - E[z - max], which does not), and -inf (masked) logits.
    z, t, inv_temp = make_row_inputs(4, 32000, 1.0, seed=7, offset=0.0)
    z = (z + 1000.0).to(dev)
    t = t.to(dev)
    lp, ent, lse = (torch.empty(4, device=dev) for _ in range(3))
    K.row_stats_or_raise(z, t, lp, ent, lse)
    K.sync("rowStats +1000")
    rlp, rent, rlse = ref_row_stats(z.double(), t)
    for name, a, b in (("logprob", lp, rlp), ("entropy", ent, rent), ("lse", lse, rlse)):
        log_check(rep, compare("info: logits +1000 %s" % name, a, b, "row_value"), informational=True)
    z, t, inv_temp = make_row_inputs(4, 1000, 1.0, seed=8)
    z[:, 500:600] = float("-inf")
    t[:] = 3
    z, t = z.to(dev), t.to(dev)
    lp, ent, lse = (torch.empty(4, device=dev) for _ in range(3))
    K.row_stats_or_raise(z, t, lp, ent, lse)
    rlp, rent, rlse = ref_row_stats(z.double(), t)
    for name, a, b in (("logprob", lp, rlp), ("entropy", ent, rent), ("lse", lse, rlse)):
        log_check(rep, compare("info: -inf logits %s" % name, a, b, "row_value"), informational=True)
    zz = z.clone()
    ones = torch.ones(4, device=dev)
    K.row_grad_or_raise(zz, t, lse, ent, ones, ones, 1.0)
    K.sync("rowGrad -inf")
    n_nan = int((~torch.isfinite(zz)).sum())
    log_check(rep, {"name": "info: -inf logits rowGrad with gradEntropy: non-finite outputs", "pass": n_nan == 0,
                    "why": "%d non-finite of %d (p log p at p=0 gives 0*inf; expected if >0)" % (n_nan, zz.numel())},
              informational=True)


FLASH_CASES_FULL = [
    # name, B, Hq, Hkv, T, S, D, causal, queryOffset, scale (None: 1/sqrt(D))
    ("tiny", 1, 1, 1, 1, 1, 32, True, 0, None),
    ("ragged causal gqa2", 2, 4, 2, 100, 100, 64, True, 0, None),
    ("prefill off=S-T", 1, 4, 1, 77, 200, 128, True, 123, None),
    ("noncausal", 2, 2, 2, 130, 130, 32, False, 0, None),
    ("noncausal gqa3 S>T", 1, 6, 2, 65, 300, 64, False, 0, None),
    ("causal off<S-T (unseen keys)", 1, 2, 1, 50, 300, 128, True, 100, None),
    ("causal gqa4", 1, 8, 2, 257, 257, 128, True, 0, None),
    ("causal off+T>S", 1, 1, 1, 33, 31, 64, True, 5, None),
    ("multi-tile", 2, 4, 4, 1000, 1000, 128, True, 0, None),
    ("gqa4 d32 scale=0.3", 1, 8, 2, 640, 640, 32, True, 0, 0.3),
    ("noncausal S<T", 1, 2, 1, 300, 45, 128, False, 0, None),
    ("causal d64 off=S-T", 1, 4, 2, 129, 1100, 64, True, 971, None),
]
FLASH_CASES_QUICK = [
    ("tiny", 1, 1, 1, 1, 1, 32, True, 0, None),
    ("prefill", 1, 2, 1, 70, 100, 32, True, 30, None),
    ("noncausal", 1, 2, 2, 65, 65, 64, False, 0, None),
    ("causal gqa2", 1, 4, 2, 33, 40, 128, True, 7, None),
    ("unseen keys", 1, 2, 1, 20, 100, 64, True, 30, None),
]


def check_flash(rep, K, dev, quick):
    cases = FLASH_CASES_QUICK if quick else FLASH_CASES_FULL
    for ci, (name, B, Hq, Hkv, T, S, D, causal, qoff, scale) in enumerate(cases):
        scale = scale if scale is not None else 1.0 / math.sqrt(D)
        g = cpu_gen(300 + ci)
        q = torch.randn(B, Hq, T, D, generator=g).to(dev)
        k = torch.randn(B, Hkv, S, D, generator=g).to(dev)
        v = torch.randn(B, Hkv, S, D, generator=g).to(dev)
        dout = torch.randn(B, Hq, T, D, generator=g).to(dev)
        tag = "flash %s B%d Hq%d Hkv%d T%d S%d D%d %s off%d" % (
            name, B, Hq, Hkv, T, S, D, "causal" if causal else "full", qoff)
        out = torch.full_like(q, float("nan"))
        lse = torch.full(q.shape[:3], float("nan"), device=dev)
        rc = K.flash_forward(q, k, v, out, lse, scale, causal, qoff)
        K.sync("flashForward " + tag)
        if rc:
            log_check(rep, {"name": tag + " forward rc", "pass": False, "why": "rc=%d" % rc})
            continue
        q64, k64, v64 = (x.double().requires_grad_(True) for x in (q, k, v))
        rout, rlse = ref_attention(q64, k64, v64, scale, causal, qoff)
        rdq, rdk, rdv = torch.autograd.grad((rout * dout.double()).sum(), (q64, k64, v64))
        log_check(rep, compare(tag + " out", out, rout, "attn_value"))
        log_check(rep, compare(tag + " lse", lse, rlse, "attn_value"))
        # Backward from the kernel's own out/lse (as the project uses it); outputs pre-filled with NaN so
        # rows/keys left unwritten fail (e.g. keys no query sees must get dk = dv = 0, not stay garbage).
        delta = torch.full_like(lse, float("nan"))
        dq, dk, dv = (torch.full_like(x, float("nan")) for x in (q, k, v))
        rc = K.flash_backward(q, k, v, out, lse, dout, delta, dq, dk, dv, scale, causal, qoff)
        K.sync("flashBackward " + tag)
        if rc:
            log_check(rep, {"name": tag + " backward rc", "pass": False, "why": "rc=%d" % rc})
            continue
        for n, a, b in (("dq", dq, rdq), ("dk", dk, rdk), ("dv", dv, rdv)):
            log_check(rep, compare(tag + " " + n, a, b, "attn_grad"))
        del q64, k64, v64, rout, rlse, rdq, rdk, rdv


def check_error_paths(rep, K, dev):
    """D not in {32,64,128} must return nonzero without launching (and leave no pending error); T=0 is a
    no-op returning 0; afterwards a valid call must still work."""
    for D in (48, 256, 16):
        q = torch.zeros(1, 2, 8, D, device=dev)
        k = torch.zeros(1, 1, 8, D, device=dev)
        out, lse = torch.empty_like(q), torch.empty(1, 2, 8, device=dev)
        rc_f = K.flash_forward(q, k, k, out, lse, 0.1, True, 0)
        delta, dq, dk, dv = torch.empty_like(lse), torch.empty_like(q), torch.empty_like(k), torch.empty_like(k)
        rc_b = K.flash_backward(q, k, k, out, lse, q, delta, dq, dk, dv, 0.1, True, 0)
        pending = K.lib.longrl_get_last_error()
        K.sync("unsupported D")
        ok = rc_f != 0 and rc_b != 0 and pending == 0
        log_check(rep, {"name": "flash D=%d unsupported -> nonzero rc" % D, "pass": ok,
                        "why": "forward rc=%d (%s), backward rc=%d, pending error after=%d"
                               % (rc_f, K.error_string(rc_f), rc_b, pending)})
    q = torch.zeros(1, 2, 0, 64, device=dev)
    k = torch.zeros(1, 1, 5, 64, device=dev)
    rc_f = K.flash_forward(q, k, k, torch.empty_like(q), torch.empty(1, 2, 0, device=dev), 0.1, True, 0)
    e = torch.empty(1, 2, 0, device=dev)
    rc_b = K.flash_backward(q, k, k, q, e, q, e, q.clone(), torch.empty_like(k), torch.empty_like(k), 0.1, True, 0)
    K.sync("T=0")
    log_check(rep, {"name": "flash T=0 returns 0", "pass": rc_f == 0 and rc_b == 0,
                    "why": "rc=%d,%d" % (rc_f, rc_b)})
    # After the error paths, a normal call still works (nothing sticky).
    g = cpu_gen(9)
    q = torch.randn(1, 2, 40, 64, generator=g).to(dev)
    k = torch.randn(1, 1, 40, 64, generator=g).to(dev)
    out, lse = K.attention(q, k, k, 0.125, True, 0)
    K.sync("flash after error paths")
    rout, rlse = ref_attention(q.double(), k.double(), k.double(), 0.125, True, 0)
    log_check(rep, compare("flash after error paths out", out, rout, "attn_value"))


def check_grid_limit(rep, K, dev):
    """Informational: B*Hq is the grid's y dimension (at most 65535). Beyond it the launch must fail with a
    nonzero return code rather than silently do nothing."""
    q = torch.zeros(1, 65536, 1, 32, device=dev)
    k = torch.zeros(1, 65536, 1, 32, device=dev)
    out, lse = torch.full_like(q, float("nan")), torch.empty(1, 65536, 1, device=dev)
    rc = K.flash_forward(q, k, k, out, lse, 0.1, True, 0)
    pending = K.lib.longrl_get_last_error()
    K.sync("grid limit")
    log_check(rep, {"name": "info: flash B*Hq=65536 (grid.y limit 65535)", "pass": rc != 0,
                    "why": "rc=%d (%s), pending after=%d" % (rc, K.error_string(rc), pending)}, informational=True)


def check_pipeline(rep, K, dev, quick):
    """The chunked log-prob pipeline end to end on the GPU (fp32 matmuls + kernels) vs float64 naive autograd,
    with a ragged last chunk and temperature != 1: checks the kernels in the way ChunkedLogProbs uses them."""
    T, H, V, chunk, temp = (150, 32, 999, 64, 0.7) if quick else (700, 64, 5003, 256, 0.7)
    g = cpu_gen(11)
    h = torch.randn(T, H, generator=g).to(dev)
    W = (torch.randn(V, H, generator=g) * 0.3).to(dev)
    t = torch.randint(0, V, (T,), generator=g).to(dev)
    g_lp = torch.randn(T, generator=g).to(dev)
    g_ent = torch.randn(T, generator=g).to(dev)
    inv_temp = 1.0 / temp
    lp, ent, lse = pipeline_forward(h, W, t, chunk, inv_temp, K.row_stats_or_raise)
    dh, dW = pipeline_backward(h, W, t, lse, ent, g_lp, g_ent, chunk, inv_temp, K.row_grad_or_raise)
    K.sync("pipeline")
    rlp, rent, rdh, rdW = naive_logprob(h.double(), W.double(), t, inv_temp, g_lp.double(), g_ent.double())
    tag = "pipeline T=%d H=%d V=%d chunk=%d temp=%g" % (T, H, V, chunk, temp)
    for n, a, b in (("logprob", lp, rlp), ("entropy", ent, rent), ("dh", dh, rdh), ("dW", dW, rdW)):
        log_check(rep, compare(tag + " " + n, a, b, "pipeline"))


def run_correctness(rep, K, dev, quick, only):
    rep.section("CORRECTNESS (%s)" % ("quick" if quick else "full"))
    steps = [("rows", check_rows), ("flash", check_flash), ("errors", None), ("pipeline", check_pipeline)]
    for key, fn in steps:
        if only and key not in only:
            continue
        try:
            if key == "errors":
                check_error_paths(rep, K, dev)
                if not quick:
                    check_grid_limit(rep, K, dev)
            else:
                fn(rep, K, dev, quick)
        except KernelError as e:
            if str(e).startswith("FATAL"):
                rep.error(str(e))
                raise  # a sticky CUDA error: nothing after it can be trusted
            rep.error("correctness step %s" % key, e)
            rep.add_check({"name": "step %s" % key, "pass": False, "why": repr(e)})
        except Exception as e:  # a harness bug must not hide the other sections' results
            rep.error("correctness step %s" % key, e)
            rep.add_check({"name": "step %s" % key, "pass": False, "why": repr(e)})
        rep.save()
    c = rep.data["correctness"]
    rep.log("correctness: %d passed, %d failed" % (c["passed"], c["failed"]))


# ----------------------------------------------------------------------------------------------------------
# Benchmarks. Every measurement is time-boxed: the cost of the next size is predicted from the last one
# (quadratic in T for attention) and skipped when it would not fit the remaining --bench-budget-s.
# ----------------------------------------------------------------------------------------------------------


class Budget:
    def __init__(self, seconds):
        self.deadline = time.monotonic() + seconds

    def left(self):
        return self.deadline - time.monotonic()


def is_oom(e):
    return "out of memory" in str(e).lower() or type(e).__name__ == "OutOfMemoryError"


def free_memory():
    gc.collect()
    torch.cuda.synchronize()
    torch.cuda.empty_cache()


def time_once(fn):
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    res = fn()
    end.record()
    end.synchronize()
    del res
    return start.elapsed_time(end)  # ms


def measure(rep, name, fn, budget, predicted_s=None, flops=None, max_reps=3):
    """First call doubles as warm-up; then up to max_reps timed reps (one for slow cases) -> median. A slow first
    call still gets one timed rep when the budget allows: it includes one-time set-up (SDPA's fwd+bwd at T=16K
    has read 3.0 s from its first call alone).
    Peak memory: torch's max_memory_allocated over the calls minus what was allocated before (inputs)."""
    res = {"name": name}
    left = budget.left()
    if predicted_s is not None and predicted_s > left:
        res.update(status="skipped", why="predicted %.1fs > %.1fs budget left" % (predicted_s, left))
        rep.log("  %-44s skipped: %s" % (name, res["why"]))
        return res
    if left < 1.0:
        res.update(status="skipped", why="benchmark budget used up")
        rep.log("  %-44s skipped: %s" % (name, res["why"]))
        return res
    free_memory()
    base = torch.cuda.memory_allocated()
    base_reserved = torch.cuda.memory_reserved()
    free0 = torch.cuda.mem_get_info()[0]
    torch.cuda.reset_peak_memory_stats()
    try:
        times = [time_once(fn)]
        first_s = times[0] / 1e3
        reps = max_reps if first_s < 0.3 else 1
        for _ in range(reps):
            if budget.left() < 1.5 * first_s:
                break
            times.append(time_once(fn))
        ms = statistics.median(times[1:]) if len(times) > 1 else times[0]
        res.update(status="ok", ms=ms, first_ms=times[0], timed_reps=len(times) - 1, all_ms=times,
                   peak_extra_gib=(torch.cuda.max_memory_allocated() - base) / 2**30,
                   peak_reserved_extra_gib=(torch.cuda.max_memory_reserved() - base_reserved) / 2**30,
                   device_free_before_gib=free0 / 2**30)
        if flops:
            res["tflops"] = flops / (ms / 1e3) / 1e12
        rep.log("  %-44s %10.2f ms  %-15s peak extra %7.2f GiB%s" % (
            name, ms, "(median of %d)" % (len(times) - 1) if len(times) > 1 else "(1 run)", res["peak_extra_gib"],
            "  %6.2f TFLOP/s" % res["tflops"] if flops else ""))
    except Exception as e:
        if is_oom(e):
            res.update(status="OOM", why=str(e).splitlines()[0][:300],
                       device_free_before_gib=free0 / 2**30)
            rep.log("  %-44s OOM (%.1f GiB free before)" % (name, free0 / 2**30))
        else:
            res.update(status="error", why=repr(e)[:800])
            rep.log("  %-44s ERROR %r" % (name, e))
            if "illegal" in str(e).lower() or "FATAL" in str(e):
                raise
    finally:
        free_memory()
    return res


def sdpa_backend_ctx(name):
    """Context forcing one SDPA backend (torch >= 2.3 API, older fallback); None if unavailable."""
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel
        return sdpa_kernel([getattr(SDPBackend, name)])
    except Exception:
        pass
    try:
        flags = {"EFFICIENT_ATTENTION": dict(enable_flash=False, enable_math=False, enable_mem_efficient=True),
                 "MATH": dict(enable_flash=False, enable_math=True, enable_mem_efficient=False)}[name]
        return torch.backends.cuda.sdp_kernel(**flags)
    except Exception:
        return None


def bench_flash_size(rep, K, dev, T, budget, prev, args):
    B, Hq, Hkv, D = 1, 8, 2, 128
    S, causal, qoff, scale = T, True, 0, 1.0 / math.sqrt(D)
    group = Hq // Hkv
    torch.manual_seed(T)
    q = torch.randn(B, Hq, T, D, device=dev)
    k = torch.randn(B, Hkv, S, D, device=dev)
    v = torch.randn(B, Hkv, S, D, device=dev)
    dout = torch.randn(B, Hq, T, D, device=dev)
    # FLOPs, FlashAttention convention: forward 4*B*Hq*T*S*D (two matmuls), halved for causal; fwd+bwd 3.5x.
    f_fwd = 4.0 * B * Hq * T * S * D * (0.5 if causal else 1.0)
    f_all = 3.5 * f_fwd
    rep.log("flash T=S=%d B=%d Hq=%d Hkv=%d D=%d causal fp32 (fwd %.2f TFLOP, fwd+bwd %.2f TFLOP)"
            % (T, B, Hq, Hkv, D, f_fwd / 1e12, f_all / 1e12))
    results = []

    def pred(key):  # attention work is quadratic in T
        p = prev.get(key)
        return None if p is None else p[1] * (T / p[0]) ** 2

    def record(key, res):
        res.update(T=T, S=S, B=B, Hq=Hq, Hkv=Hkv, D=D, causal=causal, method=key)
        if res.get("status") == "ok":
            prev[key] = (T, res["ms"] / 1e3)  # one run; measure() fits its reps to the budget
        results.append(res)
        rep.data["benchmarks"]["flash"].append(res)
        rep.save()

    def ours_fwd():
        return K.attention(q, k, v, scale, causal, qoff)

    def ours_fwd_bwd():
        out, lse = K.attention(q, k, v, scale, causal, qoff)
        return K.attention_backward(q, k, v, out, lse, dout, scale, causal, qoff)

    record("longrl_fwd", measure(rep, "longrl flash fwd", ours_fwd, budget, pred("longrl_fwd"), f_fwd))
    p = pred("longrl_fwd_bwd")
    if p is None and "longrl_fwd" in prev and prev["longrl_fwd"][0] == T:
        p = 8.0 * prev["longrl_fwd"][1]  # no earlier size: guess from this size's forward (bwd ~2-7x fwd)
    record("longrl_fwd_bwd", measure(rep, "longrl flash fwd+bwd", ours_fwd_bwd, budget, p, f_all))

    # SDPA, memory-efficient backend (the fp32-capable fused one; the flash backend is fp16/bf16 only), with
    # K/V repeated to Hq heads so no backend has to support GQA (enable_gqa routes some configs to math).
    ctx = sdpa_backend_ctx("EFFICIENT_ATTENTION")
    F = torch.nn.functional
    if ctx is None or not hasattr(F, "scaled_dot_product_attention"):
        record("sdpa_fwd", {"name": "sdpa", "status": "skipped", "why": "no SDPA in this torch"})
        rep.log("  torch SDPA: skipped (not available in torch %s)" % torch.__version__)
    else:
        qg, kg, vg = (x.clone().requires_grad_(True) for x in (q, k, v))

        def sdpa_fwd():
            with torch.no_grad(), sdpa_backend_ctx("EFFICIENT_ATTENTION"):
                kr, vr = k.repeat_interleave(group, 1), v.repeat_interleave(group, 1)
                return F.scaled_dot_product_attention(q, kr, vr, is_causal=True, scale=scale)

        def sdpa_fwd_bwd():
            qg.grad = kg.grad = vg.grad = None
            with sdpa_backend_ctx("EFFICIENT_ATTENTION"):
                kr, vr = kg.repeat_interleave(group, 1), vg.repeat_interleave(group, 1)
                o = F.scaled_dot_product_attention(qg, kr, vr, is_causal=True, scale=scale)
            o.backward(dout)
            return qg.grad

        record("sdpa_fwd", measure(rep, "torch SDPA mem-efficient fwd", sdpa_fwd, budget, pred("sdpa_fwd"), f_fwd))
        record("sdpa_fwd_bwd", measure(rep, "torch SDPA mem-efficient fwd+bwd", sdpa_fwd_bwd, budget,
                                       pred("sdpa_fwd_bwd"), f_all))
        if T == args.flash_T[0]:  # accuracy of ours vs SDPA at the first size (both fp32), informational
            try:
                with torch.no_grad():
                    o1, _ = ours_fwd()
                    o2 = sdpa_fwd()
                d = (o1 - o2).abs().max().item()
                rep.log("  max |longrl - SDPA| on out at T=%d: %.3g" % (T, d))
                rep.data["benchmarks"]["flash_vs_sdpa_max_abs_out"] = d
                del o1, o2
            except Exception as e:
                rep.log("  (SDPA comparison failed: %r)" % e)
        del qg, kg, vg

    # Naive materialised attention: [B,Hq,T,S] fp32 scores. Attempted only when one score matrix (forward,
    # in place) or four (fwd+bwd with autograd) fit in free memory; otherwise reported as predicted OOM.
    score_bytes = 4.0 * B * Hq * T * S
    free_b = torch.cuda.mem_get_info()[0]

    def naive_fwd():
        with torch.no_grad():
            return naive_attention(q, k, v, scale, causal, qoff, inplace_softmax=True)

    qn, kn, vn = (x.clone().requires_grad_(True) for x in (q, k, v))

    def naive_fwd_bwd():
        qn.grad = kn.grad = vn.grad = None
        naive_attention(qn, kn, vn, scale, causal, qoff).backward(dout)
        return qn.grad

    for key, label, fn, copies, fl in (("naive_fwd", "naive fwd", naive_fwd, 1.3, f_fwd),
                                       ("naive_fwd_bwd", "naive fwd+bwd", naive_fwd_bwd, 4.0, f_all)):
        need = copies * score_bytes
        if need > free_b:
            record(key, {"name": label, "status": "OOM", "predicted": True,
                         "why": "needs ~%.0f GiB of [B,Hq,T,S] scores, %.0f GiB free" % (need / 2**30,
                                                                                       free_b / 2**30)})
            rep.log("  %-44s OOM (predicted: needs ~%.0f GiB, %.0f GiB free; not attempted)"
                    % (label, need / 2**30, free_b / 2**30))
        else:
            record(key, measure(rep, label, fn, budget, pred(key), fl))
    del qn, kn, vn, q, k, v, dout
    free_memory()
    return results


def bench_logprob(rep, K, dev, T, budget, args, compare_outputs):
    Hd, V, chunk, temp = args.hidden, args.vocab, args.chunk, 0.7
    inv_temp = 1.0 / temp
    torch.manual_seed(1234 + T)
    h = torch.randn(T, Hd, device=dev)
    W = torch.randn(V, Hd, device=dev) * 0.02
    t = torch.randint(0, V, (T,), device=dev)
    g_lp = torch.randn(T, device=dev)
    g_ent = torch.randn(T, device=dev) * 0.1
    thv = float(T) * Hd * V
    logits_gib = 4.0 * T * V / 2**30
    rep.log("log-prob + entropy T=%d hidden=%d vocab=%d chunk=%d temp=%g (full fp32 logits would be %.1f GiB)"
            % (T, Hd, V, chunk, temp, logits_gib))

    def record(res, method):
        res.update(T=T, hidden=Hd, vocab=V, chunk=chunk, method=method)
        rep.data["benchmarks"]["logprob"].append(res)
        rep.save()
        return res

    def chunked_fwd():
        return pipeline_forward(h, W, t, chunk, inv_temp, K.row_stats_or_raise)

    def chunked_fwd_bwd():
        lp, ent, lse = pipeline_forward(h, W, t, chunk, inv_temp, K.row_stats_or_raise)
        return pipeline_backward(h, W, t, lse, ent, g_lp, g_ent, chunk, inv_temp, K.row_grad_or_raise)

    def naive():
        return naive_logprob(h, W, t, inv_temp, g_lp, g_ent)

    record(measure(rep, "chunked fwd (matmul+rowStats)", chunked_fwd, budget, flops=2 * thv), "chunked_fwd")
    record(measure(rep, "chunked fwd+bwd (+rowGrad, 2 matmuls)", chunked_fwd_bwd, budget, flops=8 * thv),
           "chunked_fwd_bwd")
    nres = record(measure(rep, "naive full-logits fwd+bwd (autograd)", naive, budget, flops=6 * thv),
                  "naive_fwd_bwd")
    if compare_outputs and nres.get("status") == "ok" and budget.left() > 5:
        try:  # both fp32: agreement of the two versions on the benchmark data (informational)
            lp, ent, lse = chunked_fwd()
            dh, dW = pipeline_backward(h, W, t, lse, ent, g_lp, g_ent, chunk, inv_temp, K.row_grad_or_raise)
            nlp, nent, ndh, ndW = naive()
            diffs = {n: (a - b).abs().max().item() / max(1e-30, b.abs().max().item())
                     for n, a, b in (("logprob", lp, nlp), ("entropy", ent, nent), ("dh", dh, ndh), ("dW", dW, ndW))}
            rep.log("  chunked vs naive (fp32 both), max|diff|/max|naive|: " +
                    ", ".join("%s %.2g" % kv for kv in diffs.items()))
            rep.data["benchmarks"]["logprob_chunked_vs_naive_T%d" % T] = diffs
            del lp, ent, lse, dh, dW, nlp, nent, ndh, ndW
        except Exception as e:
            rep.log("  (chunked vs naive comparison failed: %r)" % e)
    del h, W, t, g_lp, g_ent
    free_memory()


def run_benchmarks(rep, K, dev, args):
    rep.section("BENCHMARKS (budget %.0fs)" % args.bench_budget_s)
    budget = Budget(args.bench_budget_s)
    prev = {}
    rep.log("fp32 matmul precision: %s (TF32 off, so fp32 means fp32 for every method)"
            % torch.get_float32_matmul_precision())
    # Order: the first attention size, then log-prob (cheap, and the comparison that matters most), then the
    # larger attention sizes, which the budget may cut.
    plan = [("flash", args.flash_T[0])] + [("logprob", T) for T in args.logprob_T] + [
        ("flash", T) for T in args.flash_T[1:]]
    for kind, T in plan:
        if budget.left() < 2:
            rep.log("benchmark budget used up: skipping %s T=%d" % (kind, T))
            rep.data["benchmarks"].setdefault("skipped", []).append("%s T=%d" % (kind, T))
            continue
        try:
            if kind == "flash":
                bench_flash_size(rep, K, dev, T, budget, prev, args)
            else:
                bench_logprob(rep, K, dev, T, budget, args, compare_outputs=(T == min(args.logprob_T)))
        except Exception as e:
            rep.error("benchmark %s T=%d" % (kind, T), e)
            if "illegal" in str(e).lower() or "FATAL" in str(e):
                rep.data["errors"].append("FATAL: CUDA error during benchmarks")
                break
            free_memory()
        rep.save()


def sanitizer_canary(rep, K, dev):
    """Proof that compute-sanitizer instruments longrl's kernels (e.g. that --kernel-name kns=longrl matches):
    one rowStats call whose last target is == vocab, so thread 0 of the last row reads the 4 bytes just past the
    end of the logits buffer. Run with PYTORCH_NO_CUDA_MEMORY_CACHING=1 (the buffer is then its own
    cudaMalloc), memcheck must report an 'Invalid __global__ read'. Bypasses the Python-side target check on
    purpose; outside the sanitizer the stray read is harmless (inside the allocation granularity)."""
    R, V = 2, 1000
    z = torch.zeros(R, V, device=dev)
    t = torch.tensor([0, V], dtype=torch.int64, device=dev)
    lp, ent, lse = (torch.empty(R, device=dev) for _ in range(3))
    rep.log("canary: rowStats with targets[%d] = vocab = %d: one 4-byte read just past a %d-byte buffer"
            % (R - 1, V, 4 * R * V))
    rc = K.lib.longrl_row_stats(K._p(z), K._p(t), R, V, K._p(lp), K._p(ent), K._p(lse), K._stream())
    code = K.lib.longrl_device_synchronize()
    rep.log("canary: launch rc=%d, synchronize rc=%d (%s); memcheck must have reported the read above"
            % (rc, code, K.error_string(code)))
    return EXIT_OK


# ----------------------------------------------------------------------------------------------------------
# CPU self-test of the references (no GPU, no library): the float64 references and the pipeline glue must be
# right before they judge the kernels on the one GPU run.
# ----------------------------------------------------------------------------------------------------------


def selftest_references(rep):
    import_torch()
    torch.manual_seed(0)
    rep.section("SELFTEST of the references (CPU, torch %s)" % torch.__version__)
    dd = torch.float64
    results = []

    def check(name, a, b, tol):
        err = (a - b).abs().max().item() if a.numel() else 0.0
        ok = err <= tol and bool(torch.isfinite(a).all())
        results.append(ok)
        rep.log("[%s] %-70s max_abs=%.3g (tol %.0e)" % ("PASS" if ok else "FAIL", name, err, tol))

    # Row stats vs scalar loops.
    for R, V, temp in ((3, 7, 0.7), (4, 257, 1.0), (2, 1, 1.0)):
        z, t, inv_temp = make_row_inputs(R, V, temp, seed=R * V, offset=3.0)
        z = z.to(dd)
        lp, ent, lse = ref_row_stats(z, t)
        for r in range(R):
            row = [float(x) for x in z[r]]
            m = max(row)
            s = sum(math.exp(x - m) for x in row)
            l = m + math.log(s)
            ps = [math.exp(x - l) for x in row]
            H = -sum(p * (x - l) for p, x in zip(ps, row))
            check("row stats R=%d V=%d row %d vs loops" % (R, V, r),
                  torch.tensor([lp[r], ent[r], lse[r]], dtype=dd),
                  torch.tensor([row[int(t[r])] - l, H, l], dtype=dd), 1e-12)
        g = cpu_gen(5)
        g_lp, g_ent = torch.randn(R, generator=g, dtype=dd), torch.randn(R, generator=g, dtype=dd)
        auto = ref_row_grad(z, t, g_lp, g_ent, inv_temp)
        closed = row_grad_closed_form(z, t, lse, ent, g_lp, g_ent, inv_temp)
        check("row grad R=%d V=%d autograd vs header closed form" % (R, V), auto, closed, 1e-12)
        auto0 = ref_row_grad(z, t, g_lp, None, inv_temp)
        closed0 = row_grad_closed_form(z, t, lse, ent, g_lp, None, inv_temp)
        check("row grad R=%d V=%d (no entropy grad) autograd vs closed form" % (R, V), auto0, closed0, 1e-12)
        # Central finite differences w.r.t. the raw logits x = z * temperature: d/dx = invTemp * d/dz.
        x = z / inv_temp

        def loss_of(xx):
            a, b, _ = ref_row_stats(xx * inv_temp, t)
            return ((g_lp * a).sum() + (g_ent * b).sum()).item()

        fd = torch.zeros_like(x)
        eps = 1e-6
        for idx in range(x.numel()):
            xp, xm = x.clone().view(-1), x.clone().view(-1)
            xp[idx] += eps
            xm[idx] -= eps
            fd.view(-1)[idx] = (loss_of(xp.view_as(x)) - loss_of(xm.view_as(x))) / (2 * eps)
        check("row grad R=%d V=%d vs finite differences in raw logits" % (R, V), auto, fd, 1e-6)
    # -inf logits: reference stays finite.
    z = torch.tensor([[0.0, float("-inf"), 1.0, 2.0]], dtype=dd)
    lp, ent, lse = ref_row_stats(z, torch.tensor([2]))
    check("row stats with a -inf logit vs dropping it",
          torch.stack([lp[0], ent[0], lse[0]]),
          torch.stack(list(ref_row_stats(z[:, [0, 2, 3]], torch.tensor([1])))).squeeze(1), 1e-12)

    # Attention: explicit reference vs loops, causal masks with queryOffset, GQA.
    cases = [(1, 2, 1, 3, 5, 4, True, 2), (2, 2, 2, 4, 4, 3, True, 0), (1, 4, 2, 3, 6, 2, False, 0),
             (1, 3, 3, 5, 4, 2, True, 1), (1, 2, 1, 2, 7, 3, True, 0)]
    for B, Hq, Hkv, T, S, D, causal, off in cases:
        g = cpu_gen(B * 100 + T * 10 + S)
        q = torch.randn(B, Hq, T, D, generator=g, dtype=dd)
        k = torch.randn(B, Hkv, S, D, generator=g, dtype=dd)
        v = torch.randn(B, Hkv, S, D, generator=g, dtype=dd)
        scale = 1.0 / math.sqrt(D)
        o, l = ref_attention(q, k, v, scale, causal, off)
        o2, l2 = ref_attention_loops(q, k, v, scale, causal, off)
        tag = "B%d Hq%d Hkv%d T%d S%d D%d %s off%d" % (B, Hq, Hkv, T, S, D, "causal" if causal else "full", off)
        check("attention ref vs loops out " + tag, o, o2, 1e-12)
        check("attention ref vs loops lse " + tag, l, l2, 1e-12)
        n = naive_attention(q.clone(), k, v, scale, causal, off)
        check("naive (benchmark) attention vs ref " + tag, n, o, 1e-12)
        n2 = naive_attention(q.clone(), k, v, scale, causal, off, inplace_softmax=True)
        check("naive in-place attention vs ref " + tag, n2, o, 1e-12)
        # Gradients: autograd of the reference vs finite differences (torch.autograd.gradcheck, float64).
        qq, kk, vv = (x.clone().requires_grad_(True) for x in (q, k, v))
        ok = torch.autograd.gradcheck(lambda a, b, c: ref_attention(a, b, c, scale, causal, off)[0],
                                      (qq, kk, vv), eps=1e-6, atol=1e-7, rtol=1e-5, raise_exception=False)
        results.append(bool(ok))
        rep.log("[%s] attention ref gradcheck %s" % ("PASS" if ok else "FAIL", tag))
        # The kernel's backward formulas (delta = rowsum(dO*O), dS = P (dP - delta)) vs autograd: validates
        # the math the kernels implement, with an independent implementation.
        dout = torch.randn(B, Hq, T, D, generator=g, dtype=dd)
        dq, dk, dv = torch.autograd.grad((ref_attention(qq, kk, vv, scale, causal, off)[0] * dout).sum(),
                                         (qq, kk, vv))
        group = Hq // Hkv
        kr, vr = k.repeat_interleave(group, 1), v.repeat_interleave(group, 1)
        P = torch.exp(torch.matmul(q, kr.transpose(-1, -2)) * scale - l.unsqueeze(-1))
        if causal:
            P = P * causal_visible(T, S, off, q.device)
        delta = (o * dout).sum(-1, keepdim=True)
        dS = P * (torch.matmul(dout, vr.transpose(-1, -2)) - delta)
        dq2 = torch.matmul(dS, kr) * scale
        dk2 = (torch.matmul(dS.transpose(-1, -2), q) * scale).reshape(B, Hkv, group, S, D).sum(2)
        dv2 = torch.matmul(P.transpose(-1, -2), dout).reshape(B, Hkv, group, S, D).sum(2)
        check("flash backward formulas vs autograd dq " + tag, dq2, dq, 1e-12)
        check("flash backward formulas vs autograd dk " + tag, dk2, dk, 1e-12)
        check("flash backward formulas vs autograd dv " + tag, dv2, dv, 1e-12)
        F = torch.nn.functional
        if hasattr(F, "scaled_dot_product_attention") and Hq == Hkv and T == S and off == 0:
            s = F.scaled_dot_product_attention(q, k, v, is_causal=causal)  # torch >= 2.0 only
            check("attention ref vs torch SDPA " + tag, o, s, 1e-10)

    # Chunked pipeline glue with emulated kernels vs naive autograd (float64): chunking, ragged last chunk,
    # temperature placement, dh = G W, dW = G^T h.
    for T, H, V, chunk, temp in ((10, 6, 13, 4, 0.7), (9, 5, 11, 9, 1.0), (7, 3, 5, 3, 1.7)):
        g = cpu_gen(T * H * V)
        h = torch.randn(T, H, generator=g, dtype=dd)
        W = torch.randn(V, H, generator=g, dtype=dd)
        t = torch.randint(0, V, (T,), generator=g)
        g_lp, g_ent = torch.randn(T, generator=g, dtype=dd), torch.randn(T, generator=g, dtype=dd)
        inv_temp = 1.0 / temp
        lp, ent, lse = pipeline_forward(h, W, t, chunk, inv_temp, emu_row_stats)
        dh, dW = pipeline_backward(h, W, t, lse, ent, g_lp, g_ent, chunk, inv_temp, emu_row_grad)
        nlp, nent, ndh, ndW = naive_logprob(h, W, t, inv_temp, g_lp, g_ent)
        tag = "T%d H%d V%d chunk%d temp%g" % (T, H, V, chunk, temp)
        for n, a, b in (("logprob", lp, nlp), ("entropy", ent, nent), ("dh", dh, ndh), ("dW", dW, ndW)):
            check("pipeline (emulated kernels) vs naive autograd %s %s" % (n, tag), a, b, 1e-10)
    # The comparison helper itself: catches an off-by-one-key error and passes fp32 rounding.
    ref = torch.randn(1000, dtype=dd)
    rec_ok = compare("x", ref.float(), ref, "attn_value")
    bad = ref.clone()
    bad[17] += 2e-3
    rec_bad = compare("x", bad.float(), ref, "attn_value")
    nan = ref.float().clone()
    nan[3] = float("nan")
    rec_nan = compare("x", nan, ref, "attn_value")
    ok = rec_ok["pass"] and not rec_bad["pass"] and not rec_nan["pass"] and rec_bad["worst_index"] == [17]
    results.append(ok)
    rep.log("[%s] compare(): fp32 rounding passes, a 2e-3 error and a NaN fail" % ("PASS" if ok else "FAIL"))

    n_fail = results.count(False)
    rep.log("selftest: %d passed, %d failed" % (results.count(True), n_fail))
    return EXIT_OK if n_fail == 0 else EXIT_FAIL


# ----------------------------------------------------------------------------------------------------------
# Main.
# ----------------------------------------------------------------------------------------------------------


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build-dir", default="/tmp/longrl-cuda-check", help="where the .so is built/reused")
    p.add_argument("--json", default=None, help="write the JSON summary here (rewritten after each section)")
    p.add_argument("--quick", action="store_true", help="correctness on small shapes only (compute-sanitizer)")
    p.add_argument("--only", default="", help="comma list of correctness steps: rows,flash,errors,pipeline")
    p.add_argument("--build-only", action="store_true", help="build the library and exit (no GPU needed)")
    p.add_argument("--rebuild", action="store_true", help="rebuild even if an up-to-date library exists")
    p.add_argument("--no-build", action="store_true", help="use the library in --build-dir as it is")
    p.add_argument("--arch", default="sm_90", help="nvcc -arch (sm_90: H100/H200; PTX JITs on newer GPUs)")
    p.add_argument("--nvcc", default=None, help="nvcc path (default: PATH, $CUDA_HOME, /usr/local/cuda)")
    p.add_argument("--build-timeout-s", type=float, default=300)
    p.add_argument("--skip-bench", action="store_true", help="correctness only (full shapes)")
    p.add_argument("--bench-budget-s", type=float, default=150.0,
                   help="wall-clock budget for all benchmarks; sizes predicted not to fit are skipped")
    p.add_argument("--flash-T", default="16384,32768,65536", help="attention benchmark sizes (T=S)")
    p.add_argument("--logprob-T", default="8192,32768", help="log-prob benchmark token counts")
    p.add_argument("--hidden", type=int, default=1024)
    p.add_argument("--vocab", type=int, default=151936)
    p.add_argument("--chunk", type=int, default=4096)
    p.add_argument("--sanitizer-canary", action="store_true",
                   help="only make one planted out-of-bounds read in rowStatsKernel (run under memcheck)")
    p.add_argument("--selftest-references", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    a.flash_T = [int(x) for x in a.flash_T.split(",") if x]
    a.logprob_T = [int(x) for x in a.logprob_T.split(",") if x]
    a.only = set(x for x in a.only.split(",") if x)
    return a


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    rep = Report(args.json)
    exit_code = EXIT_FAIL

    def on_term(signum, frame):  # `timeout` sends SIGTERM: record it in the JSON before going
        raise KeyboardInterrupt("signal %d" % signum)

    signal.signal(signal.SIGTERM, on_term)
    try:
        exit_code = run(rep, args)
    except KeyboardInterrupt as e:
        rep.error("FATAL: interrupted (%s)" % (e or "Ctrl-C"))
        exit_code = EXIT_FAIL
    except Exception as e:
        rep.error("FATAL: unexpected", e)
        exit_code = EXIT_FAIL
    rep.data["exit_code"] = exit_code
    rep.data["status"] = "done"
    rep.save()
    rep.log("exit code %d (%.1fs)" % (exit_code, time.monotonic() - rep.t0))
    return exit_code


def run(rep, args):
    if args.selftest_references:
        return selftest_references(rep)
    if not args.build_only:  # GPU first: a machine without one gets exit code 2 whatever else it lacks
        try:
            import_torch()
        except ImportError as e:
            rep.error("no torch: %r (this check needs PyTorch with CUDA)" % e)
            return EXIT_NO_GPU
        rep.data["env"].update({"python": sys.version.split()[0], "torch": torch.__version__,
                                "torch_cuda": getattr(torch.version, "cuda", None)})
        if not torch.cuda.is_available():
            rep.error("no CUDA GPU visible to torch %s (torch.version.cuda=%s): this check needs an NVIDIA GPU"
                      % (torch.__version__, getattr(torch.version, "cuda", None)))
            return EXIT_NO_GPU

    so = Path(args.build_dir) / LIB_NAME
    rep.data["build"] = {"so": str(so), "built_by_this_run": False}
    if not args.no_build:
        rep.section("BUILD")
        try:
            so, info = build_library(rep, args.build_dir, args.arch, args.nvcc, args.rebuild,
                                     args.build_timeout_s)
            rep.data["build"] = info
            rep.save()
        except (BuildError, OSError) as e:
            rep.error("build failed", e)
            rep.data["build"]["error"] = str(e)
            return EXIT_BUILD
    if args.build_only:
        return EXIT_OK

    dev = torch.device("cuda", torch.cuda.current_device())
    props = torch.cuda.get_device_properties(dev)
    free_b, total_b = torch.cuda.mem_get_info()
    rep.data["env"].update({
        "gpu": props.name, "capability": "%d.%d" % (props.major, props.minor),
        "sms": props.multi_processor_count, "memory_gib": total_b / 2**30, "free_gib": free_b / 2**30,
        "no_caching_allocator": os.environ.get("PYTORCH_NO_CUDA_MEMORY_CACHING"),
    })
    # fp32 everywhere means fp32: no TF32 in cuBLAS matmuls (references, pipeline, baselines).
    torch.set_float32_matmul_precision("highest")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    rep.log("GPU: %s (sm_%d%d, %d SMs, %.1f GiB, %.1f GiB free), torch %s CUDA %s" % (
        props.name, props.major, props.minor, props.multi_processor_count, total_b / 2**30, free_b / 2**30,
        torch.__version__, torch.version.cuda))
    rep.save()

    try:
        K = Kernels(so)
    except (OSError, KernelError) as e:
        rep.error("could not load %s" % so, e)
        return EXIT_BUILD

    if args.sanitizer_canary:
        return sanitizer_canary(rep, K, dev)

    try:
        run_correctness(rep, K, dev, args.quick, args.only)
    except KernelError as e:  # FATAL: sticky CUDA error
        rep.data["errors"].append("FATAL: " + str(e))
        return EXIT_FAIL
    rep.save()

    if not args.quick and not args.skip_bench:
        run_benchmarks(rep, K, dev, args)

    rep.section("SUMMARY")
    c = rep.data["correctness"]
    rep.log("correctness: %d passed, %d failed" % (c["passed"], c["failed"]))
    for rec in c["checks"]:
        if not rec["pass"]:
            rep.log("  FAILED: %s %s" % (rec["name"], rec.get("why", "max_abs=%s worst/tol=%s" % (
                fmt(rec.get("max_abs", float("nan"))), fmt(rec.get("worst_over_tol", float("nan")))))))
    for b in rep.data["benchmarks"]["flash"] + rep.data["benchmarks"]["logprob"]:
        if b.get("status") == "ok":
            rep.log("  %-10s T=%-6d %-44s %10.2f ms %7.2f GiB%s" % (
                "flash" if "Hq" in b else "logprob", b["T"], b["name"], b["ms"], b["peak_extra_gib"],
                "  %6.2f TFLOP/s" % b["tflops"] if "tflops" in b else ""))
        else:
            rep.log("  %-10s T=%-6d %-44s %s %s" % ("flash" if "Hq" in b else "logprob", b.get("T", 0),
                                                     b.get("name", "?"), b.get("status"), b.get("why", "")[:160]))
    for e in rep.data["errors"]:
        rep.log("  error: " + e.splitlines()[0][:300])
    return EXIT_FAIL if rep.failed() else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
