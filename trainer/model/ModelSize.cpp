#include "trainer/model/ModelSize.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace longrl::model {
namespace {

std::string field(const char* name, int64_t value) { return std::string(name) + " " + std::to_string(value); }

// "1.2 GiB", "3.4e+05 TiB": sizes of absurd configs are printed, not computed in integers.
std::string bytesText(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, bytes < 1e6 ? "%.1f %s" : "%.2g %s", bytes, units[u]);
  return buf;
}

// Layers whose MLP is a sparse mixture of experts. Counted one by one for sane layer counts; an
// absurd count is sized as all sparse (the check refuses it either way).
double sparseLayers(const QwenConfig& c) {
  if (!c.isMoe()) return 0;
  if (c.numHiddenLayers > (int64_t{1} << 20)) return static_cast<double>(c.numHiddenLayers);
  int64_t n = 0;
  for (int64_t l = 0; l < c.numHiddenLayers; ++l) n += c.isSparseLayer(l) ? 1 : 0;
  return static_cast<double>(n);
}

}  // namespace

std::vector<ModelSize::Part> ModelSize::parts(const QwenConfig& c) {
  const double h = static_cast<double>(c.hiddenSize), v = static_cast<double>(c.vocabSize);
  const double layers = static_cast<double>(c.numHiddenLayers), headDim = static_cast<double>(c.headDim);
  const double q = static_cast<double>(c.numAttentionHeads) * headDim;
  const double kv = static_cast<double>(c.numKeyValueHeads) * headDim;
  const std::string embedFields = "(" + field("vocab_size", c.vocabSize) + " x " + field("hidden_size", c.hiddenSize);
  std::vector<Part> out;
  out.push_back({"the token embeddings " + embedFields + ")", v * h});
  if (!c.tieWordEmbeddings) out.push_back({"lm_head " + embedFields + ", tie_word_embeddings false)", v * h});
  const double perLayer =
      h * q + 2 * h * kv + q * h + (c.attentionBias ? q + 2 * kv : 0) + (c.hasQkNorm() ? 2 * headDim : 0);
  out.push_back({"the attention (" + field("num_hidden_layers", c.numHiddenLayers) + " x " +
                     field("hidden_size", c.hiddenSize) + " x (" + field("num_attention_heads", c.numAttentionHeads) +
                     " + " + field("num_key_value_heads", c.numKeyValueHeads) + ") x " + field("head_dim", c.headDim) +
                     ")",
                 layers * perLayer});
  const double sparse = sparseLayers(c);
  out.push_back({"the MLPs (" + field("num_hidden_layers", c.numHiddenLayers) + " x 3 x " +
                     field("hidden_size", c.hiddenSize) + " x " + field("intermediate_size", c.intermediateSize) + ")",
                 (layers - sparse) * 3 * h * static_cast<double>(c.intermediateSize)});
  if (sparse > 0) {
    const double experts = static_cast<double>(c.moe.numExperts);
    out.push_back({"the experts (" + std::to_string(static_cast<int64_t>(sparse)) + " sparse layers x " +
                       field("num_experts", c.moe.numExperts) + " x 3 x " + field("hidden_size", c.hiddenSize) + " x " +
                       field("moe_intermediate_size", c.moe.moeIntermediateSize) + ")",
                   sparse * (h * experts + experts * 3 * h * static_cast<double>(c.moe.moeIntermediateSize))});
  }
  out.push_back({"the norms (" + field("hidden_size", c.hiddenSize) + ")", (2 * layers + 1) * h});
  return out;
}

double ModelSize::parameters(const QwenConfig& c) {
  double n = 0;
  for (const auto& p : parts(c)) n += p.parameters;
  return n;
}

uint64_t ModelSize::availableMemoryBytes() {
  std::ifstream in("/proc/meminfo");
  uint64_t available = 0, swapFree = 0;
  bool found = false;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string key;
    uint64_t kib = 0;
    if (!(fields >> key >> kib)) continue;
    if (key == "MemAvailable:") {
      available = kib * 1024;
      found = true;
    } else if (key == "SwapFree:") {
      swapFree = kib * 1024;
    }
  }
  return found ? available + swapFree : 0;
}

void ModelSize::requireFits(const QwenConfig& c, const std::string& source, uint64_t available) {
  if (available == 0) return;
  const auto all = parts(c);
  double total = 0;
  for (const auto& p : all) total += p.parameters;
  const double bytes = total * 4;  // built in float32
  if (bytes <= static_cast<double>(available)) return;
  const auto largest = std::max_element(all.begin(), all.end(),
                                        [](const Part& a, const Part& b) { return a.parameters < b.parameters; });
  char count[32];
  std::snprintf(count, sizeof count, "%.3g", total);
  throw ModelConfigError(source + ": the model it describes has " + count + " parameters, " + bytesText(bytes) +
                         " as they are built (float32), more than the " + bytesText(static_cast<double>(available)) +
                         " of memory available; most of them are in " + largest->what +
                         ": is one of these fields wrong?");
}

}  // namespace longrl::model
