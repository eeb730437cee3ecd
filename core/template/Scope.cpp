#include "core/template/Scope.h"

namespace longrl::jinja {

Scope::Scope(Frame globals) {
  frames_.push_back(std::make_shared<Frame>(std::move(globals)));
  push();
}

Scope Scope::macroScope() const {
  Scope s;
  s.frames_.assign(frames_.begin(), frames_.begin() + 2);
  s.push();
  return s;
}

Value Scope::lookup(const std::string& name) const {
  for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
    const auto found = (*it)->find(name);
    if (found != (*it)->end()) return found->second;
  }
  return Value::undefined("'" + name + "' is undefined");
}

}  // namespace longrl::jinja
