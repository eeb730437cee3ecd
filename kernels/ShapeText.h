// "[5, 8]" for a tensor's sizes, for error messages. Built with std::to_string rather than
// `ostream << t.sizes()`, which can segfault inside a torch 2.11 extension (seen on a GPU with
// check_glue.py), and an error path must not crash.
#pragma once
#include <torch/torch.h>

#include <string>

namespace longrl::kernels {

inline std::string shapeText(const torch::Tensor& t) {
  if (!t.defined()) return "undefined";
  std::string s = "[";
  for (int64_t d = 0; d < t.dim(); ++d) s += (d ? ", " : "") + std::to_string(t.size(d));
  return s + "]";
}

}  // namespace longrl::kernels
