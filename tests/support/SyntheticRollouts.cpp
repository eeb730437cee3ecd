#include "support/SyntheticRollouts.h"

#include <cmath>
#include <filesystem>
#include <random>
#include <vector>

#include "core/store/RunStore.h"
#include "core/store/RunStoreWriter.h"

namespace longrl::test {
namespace {

const char* kSources[] = {"multihoprag", "musique", "docmath", "long_toc_choices"};

std::vector<std::string> splitWords(const std::string& text) {
  std::vector<std::string> out;
  std::string w;
  for (char c : text) {
    if (c == ' ' || c == '\n') {
      if (!w.empty()) out.push_back(w);
      w.clear();
    } else {
      w += c;
    }
  }
  if (!w.empty()) out.push_back(w);
  return out;
}

}  // namespace

std::string syntheticDocument(int words, unsigned seed) {
  static const char* kVocab[] = {"river",   "council", "ledger",  "harbour",  "revenue",  "treaty",  "garrison",
                                 "Müller",  "café",    "naïve",   "東京",     "報告",     "quarter", "deficit",
                                 "granite", "village", "archive", "surveyor", "merchant", "canal",   "£4,200",
                                 "the",     "of",      "and",     "in",       "a",        "was",     "to"};
  const std::size_t n = sizeof(kVocab) / sizeof(kVocab[0]);
  std::mt19937 rng(seed);
  std::string out;
  out.reserve(std::size_t(words) * 7);
  for (int i = 0; i < words; ++i) {
    if (i % 180 == 0 && i > 0) out += ".\n\n";
    else if (i > 0) out += ' ';
    if (i % 1000 == 500) out += "🚀";  // a code point outside the BMP (two UTF-16 units)
    out += kVocab[rng() % n];
    out += std::to_string(rng() % 97);  // makes n-grams rare, so quotes align in one place
  }
  out += ".\n";
  return out;
}

std::string syntheticResponse(const std::string& document, int quotes, unsigned seed, const std::string& answer) {
  const auto words = splitWords(document);
  std::mt19937 rng(seed);
  std::string out = "<think>\nLet me find the relevant passages.\n";
  for (int q = 0; q < quotes && words.size() > 40; ++q) {
    const std::size_t at = rng() % (words.size() - 20);
    out += "The text says: \"";
    for (std::size_t k = 0; k < 12; ++k) out += (k ? " " : "") + words[at + k];
    out += "\". So this matters for the question.\n";
  }
  out += "</think>\n\nTherefore, the answer is " + answer + ".";
  return out;
}

SyntheticRolloutsResult writeSyntheticRollouts(const std::string& runDir, const SyntheticRolloutsOptions& o) {
  std::filesystem::create_directories(runDir);
  store::RunStoreWriter::Options wo;
  wo.maxBatch = 50000;  // a few big transactions: 200,000 rows in seconds
  wo.maxBatchSeconds = 60;
  store::RunStoreWriter w(store::RunStore::fileIn(runDir), wo);
  SyntheticRolloutsResult res;
  std::vector<std::int64_t> docIds;
  std::vector<std::string> docs;
  for (int d = 0; d < o.documents; ++d) {
    store::DocumentRecord doc;
    doc.title = "Document " + std::to_string(d + 1);
    doc.text = syntheticDocument(o.documentWords, o.seed * 7919u + unsigned(d));
    docIds.push_back(w.writeDocument(doc));
    docs.push_back(doc.text);
    ++res.documents;
  }
  for (int i = 0; i < o.examples; ++i) {
    store::ExampleRecord e;
    e.id = "ex-" + std::to_string(i);
    e.data_source = kSources[i % 4];
    e.question = "Question " + std::to_string(i) + ": which ledger entry of the harbour matters?";
    e.ground_truth = "answer " + std::to_string(i);
    e.doc_id = docIds.empty() ? 0 : docIds[std::size_t(i) % docIds.size()];
    e.input_tokens = o.documentWords * 4 / 3;
    w.writeExample(e);
    ++res.examples;
  }
  std::mt19937 rng(o.seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> sum(std::size_t(o.examples), 0.0);
  std::vector<std::int64_t> attempts(std::size_t(o.examples), 0);
  std::int64_t n = 0;
  for (std::int64_t step = 0; step < o.steps; ++step) {
    const int phase = int(step * 3 / std::max<std::int64_t>(1, o.steps));
    for (int g = 0; g < o.groupsPerStep; ++g) {
      const int ex = int((step * o.groupsPerStep + g) % o.examples);
      std::vector<store::RolloutRecord> group;
      double mean = 0;
      for (int s = 0; s < o.samplesPerGroup; ++s, ++n) {
        store::RolloutRecord r;
        r.step = step;
        r.phase = phase;
        r.example_id = "ex-" + std::to_string(ex);
        r.group_idx = g;
        r.sample_idx = s;
        r.prompt_tokens = o.documentWords * 4 / 3;
        const bool right = (s + ex) % (2 + ex % 4) == 0;
        const std::string answer = right ? "answer " + std::to_string(ex) : "wrong " + std::to_string(s);
        r.response = o.quoteInResponses && !docs.empty()
                         ? syntheticResponse(docs[std::size_t(ex) % docs.size()], 3, o.seed + unsigned(n), answer)
                         : "<think>short " + std::to_string(n) + "</think>Therefore, the answer is " + answer + ".";
        r.answer = answer;
        r.think_len = std::int64_t(r.response.size() / 4);
        r.length = r.think_len + 8 + std::int64_t(u(rng) * 50);
        r.rule_score = right ? 1.0 : 0.0;
        double judge = 0.0;
        if (!right) {
          r.judge_prompt = "Problem: Question " + std::to_string(ex) + "\nAnswer 1: " + answer + "\nAnswer 2: answer " +
                           std::to_string(ex);
          if (n % 37 == 0) {
            r.judge_verdict = "error";
            r.judge_error = "judge HTTP 502 after 3 attempts";
          } else {
            r.judge_verdict = n % 5 == 0 ? "yes" : "no";
            r.judge_raw = n % 5 == 0 ? "They match. [[YES]]" : "Different entities. [[NO]]";
            judge = n % 5 == 0 ? 1.0 : 0.0;
          }
        }
        r.truncated = n % 50 == 0;
        r.reward = std::max(r.rule_score, judge) - (r.truncated ? 0.25 : 0.0);
        r.mean_entropy = 0.3 + 0.5 * u(rng);
        r.wall_time = 1.7e9 + double(n);
        mean += r.reward;
        group.push_back(std::move(r));
      }
      mean /= std::max(1, o.samplesPerGroup);
      double var = 0;
      for (const auto& r : group) var += (r.reward - mean) * (r.reward - mean);
      const double sd = std::sqrt(var / std::max(1, o.samplesPerGroup));
      for (auto& r : group) {
        r.advantage = (r.reward - mean) / (sd + 1e-6);
        w.writeRollout(r);
      }
      sum[std::size_t(ex)] += mean * o.samplesPerGroup;
      attempts[std::size_t(ex)] += o.samplesPerGroup;
    }
  }
  for (int i = 0; i < o.examples; ++i) {
    if (attempts[std::size_t(i)] == 0) continue;
    w.writeDifficulty({"ex-" + std::to_string(i), 0, sum[std::size_t(i)] / double(attempts[std::size_t(i)]),
                       attempts[std::size_t(i)]});
  }
  w.flush();
  res.rollouts = n;
  return res;
}

}  // namespace longrl::test
