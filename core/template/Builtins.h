#pragma once
#include "core/template/Scope.h"

namespace longrl::jinja {

// The global functions of the environment transformers renders chat templates in: range,
// dict, namespace (jinja2), raise_exception and strftime_now (transformers).
class Builtins {
 public:
  static Scope::Frame globals();
};

}  // namespace longrl::jinja
