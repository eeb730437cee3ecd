#include "core/cprs/ContextMode.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace longrl::cprs {

ContextMode contextModeFromName(const std::string& name, const std::string& what) {
  if (name == "truncate") return ContextMode::Truncate;
  if (name == "compress") return ContextMode::Compress;
  if (name == "memory") return ContextMode::Memory;
  throw std::invalid_argument(what + ": '" + name + "' is not one of truncate, compress, memory");
}

std::string contextModeName(ContextMode m) {
  switch (m) {
    case ContextMode::Truncate:
      return "truncate";
    case ContextMode::Compress:
      return "compress";
    case ContextMode::Memory:
      return "memory";
  }
  return "truncate";
}

std::vector<ContextMode> contextModesFromList(const std::string& list, const std::string& what) {
  std::vector<ContextMode> out;
  std::stringstream ss(list);
  for (std::string item; std::getline(ss, item, ',');) {
    const auto m = contextModeFromName(item, what);
    if (std::find(out.begin(), out.end(), m) != out.end())
      throw std::invalid_argument(what + ": '" + item + "' is given twice");
    out.push_back(m);
  }
  if (out.empty()) throw std::invalid_argument(what + ": no mode given");
  return out;
}

}  // namespace longrl::cprs
