#include "core/curriculum/BatchSampler.h"

#include <algorithm>
#include <map>
#include <random>
#include <stdexcept>

namespace longrl::curriculum {

BatchSampler::BatchSampler(std::vector<std::string> taskOf, bool taskBalanced, std::uint64_t seed)
    : taskOf_(std::move(taskOf)), balanced_(taskBalanced), seed_(seed) {
  if (taskOf_.empty()) throw std::invalid_argument("BatchSampler: no examples to sample from");
  if (balanced_) {
    std::map<std::string, std::vector<std::size_t>> byTask;
    for (std::size_t i = 0; i < taskOf_.size(); ++i) byTask[taskOf_[i]].push_back(i);
    for (auto& [name, members] : byTask) {
      streamNames_.push_back(name);
      streams_.push_back(Stream{std::move(members), 0, 0, {}});
    }
  } else {
    Stream all;
    for (std::size_t i = 0; i < taskOf_.size(); ++i) all.members.push_back(i);
    streamNames_.push_back("*");
    streams_.push_back(std::move(all));
  }
  for (std::size_t i = 0; i < streams_.size(); ++i) reshuffle(streams_[i], i);
}

void BatchSampler::reshuffle(Stream& s, std::size_t streamIndex) {
  // A permutation that depends only on (seed, stream, round): restorable from counters.
  std::seed_seq seq{static_cast<std::uint32_t>(seed_), static_cast<std::uint32_t>(seed_ >> 32),
                    static_cast<std::uint32_t>(streamIndex), static_cast<std::uint32_t>(s.round)};
  std::mt19937_64 rng(seq);
  s.order = s.members;
  std::shuffle(s.order.begin(), s.order.end(), rng);
  s.cursor = 0;
}

std::size_t BatchSampler::draw(Stream& s, std::size_t streamIndex) {
  if (s.cursor >= s.order.size()) {
    ++s.round;
    reshuffle(s, streamIndex);
  }
  return s.order[s.cursor++];
}

std::vector<std::size_t> BatchSampler::nextBatch(std::size_t size) {
  std::vector<std::size_t> out;
  out.reserve(size);
  const std::size_t n = streams_.size();
  const std::size_t share = size / n, extra = size % n;
  // The remainder goes to a rotating set of tasks so no task is favoured over many batches.
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (k + static_cast<std::size_t>(batches_)) % n;
    const std::size_t take = share + (k < extra ? 1 : 0);
    for (std::size_t j = 0; j < take; ++j) out.push_back(draw(streams_[i], i));
  }
  ++batches_;
  return out;
}

std::int64_t BatchSampler::epoch() const {
  std::int64_t e = 0;
  std::size_t largest = 0;
  for (const auto& s : streams_) {
    if (s.members.size() >= largest) {
      largest = s.members.size();
      e = s.round + (s.cursor >= s.order.size() ? 1 : 0);
    }
  }
  return e;
}

nlohmann::json BatchSampler::state() const {
  nlohmann::json streams = nlohmann::json::array();
  for (std::size_t i = 0; i < streams_.size(); ++i)
    streams.push_back({{"name", streamNames_[i]},
                       {"size", streams_[i].members.size()},
                       {"round", streams_[i].round},
                       {"cursor", streams_[i].cursor}});
  return {{"seed", seed_}, {"balanced", balanced_}, {"batches", batches_}, {"streams", streams}};
}

void BatchSampler::restore(const nlohmann::json& state) {
  try {
    if (state.at("seed").get<std::uint64_t>() != seed_ || state.at("balanced").get<bool>() != balanced_)
      throw std::runtime_error("sampler state was saved with another seed or balancing mode");
    const auto& streams = state.at("streams");
    if (streams.size() != streams_.size())
      throw std::runtime_error("sampler state has " + std::to_string(streams.size()) + " task streams, the data has " +
                               std::to_string(streams_.size()));
    for (std::size_t i = 0; i < streams_.size(); ++i) {
      const auto& s = streams[i];
      if (s.at("name").get<std::string>() != streamNames_[i] ||
          s.at("size").get<std::size_t>() != streams_[i].members.size())
        throw std::runtime_error("sampler state does not match the examples (task '" + streamNames_[i] + "')");
    }
    for (std::size_t i = 0; i < streams_.size(); ++i) {
      streams_[i].round = streams[i].at("round").get<std::int64_t>();
      reshuffle(streams_[i], i);
      streams_[i].cursor = streams[i].at("cursor").get<std::size_t>();
    }
    batches_ = state.at("batches").get<std::int64_t>();
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("sampler state: ") + e.what());
  }
}

}  // namespace longrl::curriculum
