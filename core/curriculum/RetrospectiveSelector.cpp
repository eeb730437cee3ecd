#include "core/curriculum/RetrospectiveSelector.h"

#include <map>
#include <set>

namespace longrl::curriculum {

RetrospectiveSelector::Selection RetrospectiveSelector::select(
    const std::vector<DifficultyTracker::Entry>& hardestFirst,
    const std::vector<store::AnnotationRecord>& annotations) const {
  Selection out;
  if (!config_.enabled) return out;

  std::map<std::string, const store::AnnotationRecord*> latest;
  for (const auto& a : annotations) {
    auto& slot = latest[a.example_id];
    if (!slot || a.time >= slot->time) slot = &a;
  }
  auto labelOf = [&](const std::string& id) -> std::string {
    auto it = latest.find(id);
    return it == latest.end() ? std::string() : it->second->label;
  };

  std::set<std::string> chosen;
  for (const auto& e : hardestFirst) {
    if (config_.maxCount > 0 && out.byDifficulty >= static_cast<std::size_t>(config_.maxCount)) break;
    if (e.attempts == 0 || e.difficulty < config_.threshold) continue;
    if (labelOf(e.exampleId) == "not_hard") {
      ++out.vetoedByAnnotation;
      continue;
    }
    if (chosen.insert(e.exampleId).second) {
      out.exampleIds.push_back(e.exampleId);
      ++out.byDifficulty;
    }
  }
  if (config_.includeAnnotatedHard) {
    for (const auto& [id, a] : latest) {
      if (a->label != "hard") continue;
      if (chosen.insert(id).second) {
        out.exampleIds.push_back(id);
        ++out.byAnnotation;
      }
    }
  }
  return out;
}

}  // namespace longrl::curriculum
