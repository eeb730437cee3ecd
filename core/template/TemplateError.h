#pragma once
#include <stdexcept>
#include <string>

namespace longrl::jinja {

// A syntax or runtime error of a template: "SOURCE:LINE:COLUMN: message", where SOURCE is the
// name the caller gave the template (e.g. ".../tokenizer_config.json chat_template").
class TemplateError : public std::runtime_error {
 public:
  TemplateError(const std::string& source, int line, int column, const std::string& message)
      : std::runtime_error(source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message),
        line_(line), column_(column), message_(message) {}
  int line() const { return line_; }
  int column() const { return column_; }
  // The message without the location.
  const std::string& message() const { return message_; }

 private:
  int line_, column_;
  std::string message_;
};

// An error raised while evaluating, before the evaluator knows where: it adds the location.
class EvalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace longrl::jinja
