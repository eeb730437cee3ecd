#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace longrl::jinja {

class Value;
using ValueList = std::vector<Value>;

// A Python dict as templates see it: string keys in insertion order (what json.dumps and
// `items()` print). Chat-template dicts are small, so lookups are linear.
struct ValueDict {
  std::vector<std::pair<std::string, Value>> items;
  const Value* find(const std::string& key) const;
  void set(const std::string& key, Value value);
};

// The arguments of a call, filter or test: positional first, then keywords.
struct CallArgs {
  ValueList positional;
  std::vector<std::pair<std::string, Value>> named;
  const Value* namedArg(const std::string& name) const;
  // Positional `index`, else the keyword `name`, else nullptr.
  const Value* arg(size_t index, const std::string& name) const;
};

using Function = std::function<Value(const CallArgs&)>;

// A value of the template language, with Python's semantics where templates depend on them
// (truthiness, str(), repr(), equality). Lists and dicts are shared, as Python objects are;
// only namespaces are ever mutated (the sandbox forbids mutating lists and dicts).
class Value {
 public:
  enum class Kind { Undefined, None, Bool, Int, Float, String, List, Dict, Namespace, Function };

  Value() = default;
  Value(bool b) : kind_(Kind::Bool), int_(b) {}
  Value(int i) : kind_(Kind::Int), int_(i) {}
  Value(int64_t i) : kind_(Kind::Int), int_(i) {}
  Value(double f) : kind_(Kind::Float), float_(f) {}
  Value(std::string s) : kind_(Kind::String), str_(std::move(s)) {}
  Value(const char* s) : kind_(Kind::String), str_(s) {}

  // `hint` says what was looked up, for the error when the undefined value is used.
  static Value undefined(std::string hint = "");
  static Value none();
  static Value list(ValueList items, bool tuple = false);
  static Value dict(ValueDict dict);
  static Value namespaceObject(ValueDict dict);
  static Value function(Function fn, std::string name);

  Kind kind() const { return kind_; }
  bool isUndefined() const { return kind_ == Kind::Undefined; }
  bool isNone() const { return kind_ == Kind::None; }
  bool isString() const { return kind_ == Kind::String; }
  bool isNumber() const { return kind_ == Kind::Int || kind_ == Kind::Float || kind_ == Kind::Bool; }
  bool isList() const { return kind_ == Kind::List; }
  bool isDict() const { return kind_ == Kind::Dict; }
  bool isMapping() const { return kind_ == Kind::Dict || kind_ == Kind::Namespace; }
  bool isTuple() const { return kind_ == Kind::List && tuple_; }

  bool asBool() const { return int_ != 0; }
  int64_t asInt() const { return kind_ == Kind::Float ? static_cast<int64_t>(float_) : int_; }
  double asFloat() const { return kind_ == Kind::Float ? float_ : static_cast<double>(int_); }
  const std::string& asString() const { return str_; }
  const std::string& undefinedHint() const { return str_; }
  const ValueList& asList() const { return *list_; }
  const ValueDict& asDict() const { return *dict_; }
  ValueDict& namespaceDict() const { return *dict_; }
  const Function& asFunction() const { return *fn_; }

  bool truthy() const;
  // Python's str() (undefined prints as ""), and repr().
  std::string str() const;
  std::string repr() const;
  // Python's type name, for error messages ("str", "dict object", ...).
  std::string typeName() const;
  // Length as len() gives it (code points for strings); -1 for values without one.
  int64_t length() const;
  // The items a for loop visits: list items, dict keys, string characters; undefined gives none.
  ValueList iterate() const;

  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

 private:
  Kind kind_ = Kind::Undefined;
  bool tuple_ = false;
  int64_t int_ = 0;
  double float_ = 0;
  std::string str_;
  std::shared_ptr<ValueList> list_;
  std::shared_ptr<ValueDict> dict_;
  std::shared_ptr<Function> fn_;
};

}  // namespace longrl::jinja
