#pragma once
#include <string>

#include "core/template/Node.h"
#include "core/template/Value.h"

namespace longrl::jinja {

// A Jinja2 template parsed once and rendered as Hugging Face transformers renders chat
// templates: jinja2's ImmutableSandboxedEnvironment with trim_blocks and lstrip_blocks, the
// loopcontrols extension, a tojson that keeps non-ASCII text, and the globals range, dict,
// namespace, raise_exception and strftime_now. Errors are TemplateErrors naming `sourceName`.
class Template {
 public:
  Template(const std::string& text, std::string sourceName);
  std::string render(const ValueDict& variables) const;
  const std::string& sourceName() const { return source_; }

 private:
  std::string source_;
  Body body_;
};

}  // namespace longrl::jinja
