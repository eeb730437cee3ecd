#include "core/cprs/CprsConfig.h"

#include <algorithm>
#include <stdexcept>

namespace longrl::cprs {

int64_t CprsConfig::keepLabel() const {
  const auto it = std::find(labels.begin(), labels.end(), "keep");
  return static_cast<int64_t>(it - labels.begin());
}

CprsConfig CprsConfig::fromJson(const nlohmann::json& config, int64_t layers, const std::string& source) {
  CprsConfig c;
  if (!config.is_object() || !config.contains("cprs")) return c;
  const auto& j = config.at("cprs");
  const std::string where = source + ": cprs.";
  if (!j.is_object()) throw std::invalid_argument(source + ": cprs must be an object");
  if (j.contains("bidirectional_layers")) {
    const auto& b = j.at("bidirectional_layers");
    if (!b.is_number_integer() || b.get<int64_t>() < 0 || b.get<int64_t>() > layers)
      throw std::invalid_argument(where + "bidirectional_layers must be an integer from 0 to num_hidden_layers (" +
                                  std::to_string(layers) + "), got " + b.dump());
    c.bidirectionalLayers = b.get<int64_t>();
  }
  if (j.contains("labels")) {
    const auto& l = j.at("labels");
    if (!l.is_array() || l.size() < 2)
      throw std::invalid_argument(where + "labels must be a list of at least two names, got " + l.dump());
    c.labels.clear();
    for (const auto& x : l) {
      if (!x.is_string()) throw std::invalid_argument(where + "labels must hold strings, got " + x.dump());
      c.labels.push_back(x.get<std::string>());
    }
    if (c.keepLabel() == static_cast<int64_t>(c.labels.size()))
      throw std::invalid_argument(where + "labels must include \"keep\", got " + l.dump());
  }
  return c;
}

nlohmann::json CprsConfig::toJson() const {
  return {{"bidirectional_layers", bidirectionalLayers}, {"labels", labels}};
}

}  // namespace longrl::cprs
