// Python bindings of the public kernels API (ChunkedLogProbs, BlockAttention, KernelReference), for
// check_glue.py. The GPU machine has PyTorch and nvcc but neither Qt nor this project's CMake tree, so the
// LibTorch glue (kernels/CudaKernels.cpp and the CUDA paths of ChunkedLogProbs / BlockAttention) is built
// there as a torch JIT extension from these sources instead. Not part of the project build.
// Keep to APIs common to LibTorch 1.13 (the dev machine's) and 2.x (the GPU machine's).
#include <torch/extension.h>

#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "kernels/BlockAttention.h"
#include "kernels/ChunkedLogProbs.h"
#include "kernels/CudaKernels.h"
#include "kernels/KernelReference.h"

namespace py = pybind11;
using longrl::kernels::BlockAttention;
using longrl::kernels::ChunkedLogProbs;
using longrl::kernels::CudaKernels;
using longrl::kernels::KernelReference;
using longrl::kernels::KlPenalty;

namespace {

// The run config's spellings: k1, k2, k3, low_var_kl.
KlPenalty penaltyOf(const std::string& name) {
  for (const auto& [value, spelling] : longrl::config::enumTable(KlPenalty{}))
    if (name == spelling) return value;
  throw std::invalid_argument("kl_penalty must be " + longrl::config::enumChoices<KlPenalty>() + ", got '" + name +
                              "'");
}

// An undefined tensor (entropy off, no refLogProbs) becomes None.
py::object orNone(const torch::Tensor& t) { return t.defined() ? py::cast(t) : py::none(); }

py::tuple chunkedLogProbs(const torch::Tensor& hidden, const torch::Tensor& weight, const torch::Tensor& targets,
                          int64_t chunk, double temperature, bool computeEntropy,
                          const std::optional<torch::Tensor>& refLogProbs, const std::string& klPenalty) {
  ChunkedLogProbs::Options o;
  o.chunk = chunk;
  o.temperature = temperature;
  o.computeEntropy = computeEntropy;
  o.refLogProbs = refLogProbs;
  o.klPenalty = penaltyOf(klPenalty);
  auto r = ChunkedLogProbs::compute(hidden, weight, targets, o);
  return py::make_tuple(orNone(r.logprobs), orNone(r.entropy), orNone(r.kl));
}

BlockAttention::Options attentionOptions(bool causal, int64_t blockQ, int64_t blockK, double scale,
                                         int64_t queryOffset) {
  BlockAttention::Options o;
  o.causal = causal;
  o.blockQ = blockQ;
  o.blockK = blockK;
  o.scale = scale;
  o.queryOffset = queryOffset;
  return o;
}

}  // namespace

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.doc() = "longrl kernels (ChunkedLogProbs, BlockAttention) for check_glue.py";
  m.def("cuda_compiled", &CudaKernels::compiled, "built with the CUDA kernels (LONGRL_HAVE_CUDA_KERNELS)");
  m.def("cuda_usable", &CudaKernels::usable, py::arg("t"));
  m.def("cuda_attention_usable", &CudaKernels::attentionUsable, py::arg("q"));
  m.def(
      "cuda_attention_forward",
      [](const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, double scale, bool causal) {
        return CudaKernels::attentionForward(q, k, v, scale, causal, 0);
      },
      "CudaKernels::attentionForward (no fallback: for its error path)", py::arg("q"), py::arg("k"), py::arg("v"),
      py::arg("scale"), py::arg("causal"));
  m.def("chunked_log_probs", &chunkedLogProbs, "ChunkedLogProbs::compute -> (logprobs, entropy|None, kl|None)",
        py::arg("hidden"), py::arg("weight"), py::arg("targets"), py::arg("chunk") = 1024, py::arg("temperature") = 1.0,
        py::arg("compute_entropy") = true, py::arg("ref_log_probs") = py::none(), py::arg("kl_penalty") = "k3");
  m.def(
      "kl_estimate",
      [](const torch::Tensor& lp, const torch::Tensor& ref, const std::string& penalty) {
        return ChunkedLogProbs::klEstimate(lp, ref, penaltyOf(penalty));
      },
      py::arg("logprobs"), py::arg("ref_log_probs"), py::arg("penalty"));
  m.def(
      "block_attention",
      [](const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, bool causal, int64_t blockQ,
         int64_t blockK, double scale, int64_t queryOffset) {
        return BlockAttention::forward(q, k, v, attentionOptions(causal, blockQ, blockK, scale, queryOffset));
      },
      "BlockAttention::forward", py::arg("q"), py::arg("k"), py::arg("v"), py::arg("causal") = true,
      py::arg("block_q") = 256, py::arg("block_k") = 256, py::arg("scale") = 0.0, py::arg("query_offset") = -1);
  m.def(
      "block_attention_with_lse",
      [](const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, bool causal, int64_t blockQ,
         int64_t blockK, double scale, int64_t queryOffset) {
        auto r = BlockAttention::forwardWithLse(q, k, v, attentionOptions(causal, blockQ, blockK, scale, queryOffset));
        return py::make_tuple(r.first, r.second);
      },
      "BlockAttention::forwardWithLse -> (out, lse)", py::arg("q"), py::arg("k"), py::arg("v"),
      py::arg("causal") = true, py::arg("block_q") = 256, py::arg("block_k") = 256, py::arg("scale") = 0.0,
      py::arg("query_offset") = -1);
  m.def(
      "reference_log_probs",
      [](const torch::Tensor& h, const torch::Tensor& w, const torch::Tensor& t, double temperature) {
        auto r = KernelReference::logProbsAndEntropy(h, w, t, temperature);
        return py::make_tuple(r.first, r.second);
      },
      "KernelReference::logProbsAndEntropy", py::arg("hidden"), py::arg("weight"), py::arg("targets"),
      py::arg("temperature") = 1.0);
  m.def("reference_attention", &KernelReference::attention, "KernelReference::attention", py::arg("q"), py::arg("k"),
        py::arg("v"), py::arg("causal") = true, py::arg("scale") = 0.0, py::arg("query_offset") = -1);
}
