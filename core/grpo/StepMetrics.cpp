#include "core/grpo/StepMetrics.h"

#include <algorithm>
#include <limits>

namespace longrl::grpo {

void StepMetrics::stats(Metrics& m, const std::string& prefix, const std::vector<double>& values) {
  double sum = 0, hi = values.empty() ? 0 : -std::numeric_limits<double>::infinity(),
         lo = values.empty() ? 0 : std::numeric_limits<double>::infinity();
  for (double v : values) {
    sum += v;
    hi = std::max(hi, v);
    lo = std::min(lo, v);
  }
  m[prefix + "/mean"] = values.empty() ? 0.0 : sum / static_cast<double>(values.size());
  m[prefix + "/max"] = hi;
  m[prefix + "/min"] = lo;
}

void StepMetrics::judge(const std::vector<Group>& groups, Metrics& m) {
  double calls = 0, errors = 0;
  for (const auto& grp : groups)
    for (const auto& s : grp.samples)
      if (s.judged) {
        ++calls;
        if (s.judgeFailed) ++errors;
      }
  m["judge/calls"] = calls;
  m["judge/errors"] = errors;
}

double StepMetrics::batch(const std::vector<Group>& groups, int64_t maxInputTokens, bool memoryAgent, Metrics& m) {
  const bool anyKept = std::any_of(groups.begin(), groups.end(), [](const Group& g) { return g.kept; });
  std::vector<const Group*> trained;
  for (const auto& grp : groups)
    if (grp.kept || !anyKept) trained.push_back(&grp);
  std::vector<double> score, rewards, advs, respLen, promptLen;
  double respClip = 0, promptClip = 0, tokens = 0;
  for (const auto* grp : trained) {
    const auto plen = static_cast<double>(grp->promptTokens);
    for (const auto& s : grp->samples) {
      score.push_back(s.score - s.overlongPenalty);
      rewards.push_back(s.score);
      advs.push_back(s.advantage);
      respLen.push_back(static_cast<double>(s.responseTokens));
      promptLen.push_back(plen);
      respClip += s.truncated ? 1 : 0;
      if (s.calls.empty()) {
        promptClip += plen >= static_cast<double>(maxInputTokens) ? 1 : 0;
        tokens += plen + static_cast<double>(s.responseTokens);
      } else {
        // Memory agent: the document is read in sections, never clipped; every call costs tokens.
        for (const auto& c : s.calls) tokens += static_cast<double>(c.promptTokens + c.responseTokens);
      }
    }
  }
  stats(m, "critic/score", score);
  // critic/score covers the trained (kept) groups, as verl reports it; with dynamic sampling that
  // hides the all-wrong and all-right groups. This one covers every sample generated this step.
  std::vector<double> all;
  for (const auto& grp : groups)
    for (const auto& s : grp.samples) all.push_back(s.score - s.overlongPenalty);
  stats(m, "critic/gen_score", all);
  stats(m, "critic/rewards", rewards);
  stats(m, "critic/advantages", advs);
  stats(m, "response_length", respLen);
  stats(m, "prompt_length", promptLen);
  const double n = std::max<double>(1.0, static_cast<double>(respLen.size()));
  m["response_length/clip_ratio"] = respClip / n;
  m["prompt_length/clip_ratio"] = promptClip / n;
  if (memoryAgent) memory(trained, m);
  return tokens;
}

void StepMetrics::memory(const std::vector<const Group*>& batch, Metrics& m) {
  std::vector<double> sections, sectionTokens;
  double calls = 0, malformed = 0, truncated = 0;
  for (const auto* grp : batch)
    for (const auto& s : grp->samples) {
      const double n = s.calls.empty() ? 0.0 : static_cast<double>(s.calls.size() - 1);
      sections.push_back(n);
      double tokens = 0;
      for (size_t c = 0; c + 1 < s.calls.size(); ++c) tokens += static_cast<double>(s.calls[c].responseTokens);
      sectionTokens.push_back(tokens);
      calls += n;
      malformed += s.malformedReplies;
      truncated += s.truncatedCalls;
    }
  stats(m, "memory/sections", sections);
  stats(m, "memory/section_response_tokens", sectionTokens);
  m["memory/malformed_ratio"] = calls > 0 ? malformed / calls : 0.0;
  m["memory/truncated_ratio"] = calls > 0 ? truncated / calls : 0.0;
}

double StepMetrics::tokenWeightedMean(const std::vector<double>& means, const std::vector<double>& tokens) {
  double sum = 0, total = 0;
  for (size_t i = 0; i < means.size(); ++i) {
    sum += means[i] * tokens[i];
    total += tokens[i];
  }
  return total > 0 ? sum / total : 0.0;
}

std::vector<double> StepMetrics::perSample(const std::vector<double>& means, const std::vector<double>& tokens,
                                           const std::vector<std::size_t>& sampleOf, std::size_t samples) {
  std::vector<double> sum(samples, 0.0), total(samples, 0.0);
  for (size_t i = 0; i < means.size(); ++i) {
    sum[sampleOf[i]] += means[i] * tokens[i];
    total[sampleOf[i]] += tokens[i];
  }
  std::vector<double> out(samples, 0.0);
  for (size_t i = 0; i < samples; ++i) out[i] = total[i] > 0 ? sum[i] / total[i] : 0.0;
  return out;
}

void StepMetrics::throughput(double stepSeconds, double tokens, Metrics& m) {
  m["timing_s/step"] = stepSeconds;
  m["perf/time_per_step"] = stepSeconds;
  m["perf/throughput"] = stepSeconds > 0 ? tokens / stepSeconds : 0.0;
}

}  // namespace longrl::grpo
