#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/template/Value.h"

namespace longrl::jinja {

// Variables as jinja2 scopes them: the globals, the template's top level, then a frame per
// for-loop iteration, macro call and with block. `set` writes the innermost frame, so a set
// inside a loop is gone after the iteration (namespaces carry values out).
class Scope {
 public:
  using Frame = std::unordered_map<std::string, Value>;

  explicit Scope(Frame globals);
  // A scope for a macro body: this scope's globals and top level, then a new frame.
  Scope macroScope() const;

  Value lookup(const std::string& name) const;
  void set(const std::string& name, Value value) { frames_.back()->insert_or_assign(name, std::move(value)); }
  void push() { frames_.push_back(std::make_shared<Frame>()); }
  void pop() { frames_.pop_back(); }

 private:
  Scope() = default;
  std::vector<std::shared_ptr<Frame>> frames_;
};

}  // namespace longrl::jinja
