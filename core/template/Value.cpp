#include "core/template/Value.h"

#include "core/template/PyText.h"

namespace longrl::jinja {

const Value* ValueDict::find(const std::string& key) const {
  for (const auto& [k, v] : items)
    if (k == key) return &v;
  return nullptr;
}

void ValueDict::set(const std::string& key, Value value) {
  for (auto& [k, v] : items)
    if (k == key) {
      v = std::move(value);
      return;
    }
  items.emplace_back(key, std::move(value));
}

const Value* CallArgs::namedArg(const std::string& name) const {
  for (const auto& [k, v] : named)
    if (k == name) return &v;
  return nullptr;
}

const Value* CallArgs::arg(size_t index, const std::string& name) const {
  if (index < positional.size()) return &positional[index];
  return namedArg(name);
}

Value Value::undefined(std::string hint) {
  Value v;
  v.str_ = std::move(hint);
  return v;
}

Value Value::none() {
  Value v;
  v.kind_ = Kind::None;
  return v;
}

Value Value::list(ValueList items, bool tuple) {
  Value v;
  v.kind_ = Kind::List;
  v.tuple_ = tuple;
  v.list_ = std::make_shared<ValueList>(std::move(items));
  return v;
}

Value Value::dict(ValueDict dict) {
  Value v;
  v.kind_ = Kind::Dict;
  v.dict_ = std::make_shared<ValueDict>(std::move(dict));
  return v;
}

Value Value::namespaceObject(ValueDict dict) {
  Value v = Value::dict(std::move(dict));
  v.kind_ = Kind::Namespace;
  return v;
}

Value Value::function(Function fn, std::string name) {
  Value v;
  v.kind_ = Kind::Function;
  v.str_ = std::move(name);
  v.fn_ = std::make_shared<Function>(std::move(fn));
  return v;
}

bool Value::truthy() const {
  switch (kind_) {
    case Kind::Undefined:
    case Kind::None:
      return false;
    case Kind::Bool:
    case Kind::Int:
      return int_ != 0;
    case Kind::Float:
      return float_ != 0.0;
    case Kind::String:
      return !str_.empty();
    case Kind::List:
      return !list_->empty();
    case Kind::Dict:
      return !dict_->items.empty();
    default:
      return true;
  }
}

std::string Value::str() const {
  switch (kind_) {
    case Kind::Undefined:
      return "";
    case Kind::String:
      return str_;
    default:
      return repr();
  }
}

std::string Value::repr() const {
  switch (kind_) {
    case Kind::Undefined:
      return "";
    case Kind::None:
      return "None";
    case Kind::Bool:
      return int_ ? "True" : "False";
    case Kind::Int:
      return std::to_string(int_);
    case Kind::Float:
      return PyText::reprFloat(float_);
    case Kind::String:
      return PyText::reprString(str_);
    case Kind::List: {
      std::string out = tuple_ ? "(" : "[";
      for (size_t i = 0; i < list_->size(); ++i) out += (i ? ", " : "") + (*list_)[i].repr();
      if (tuple_ && list_->size() == 1) out += ",";
      return out + (tuple_ ? ")" : "]");
    }
    case Kind::Dict:
    case Kind::Namespace: {
      std::string out = kind_ == Kind::Namespace ? "<Namespace {" : "{";
      bool first = true;
      for (const auto& [k, v] : dict_->items) {
        out += (first ? "" : ", ") + PyText::reprString(k) + ": " + v.repr();
        first = false;
      }
      return out + (kind_ == Kind::Namespace ? "}>" : "}");
    }
    case Kind::Function:
      return "<function " + str_ + ">";
  }
  return "";
}

std::string Value::typeName() const {
  switch (kind_) {
    case Kind::Undefined:
      return "Undefined";
    case Kind::None:
      return "NoneType";
    case Kind::Bool:
      return "bool";
    case Kind::Int:
      return "int";
    case Kind::Float:
      return "float";
    case Kind::String:
      return "str";
    case Kind::List:
      return tuple_ ? "tuple" : "list";
    case Kind::Dict:
      return "dict";
    case Kind::Namespace:
      return "Namespace";
    case Kind::Function:
      return "function";
  }
  return "";
}

int64_t Value::length() const {
  switch (kind_) {
    case Kind::Undefined:
      return 0;
    case Kind::String:
      return PyText::length(str_);
    case Kind::List:
      return static_cast<int64_t>(list_->size());
    case Kind::Dict:
      return static_cast<int64_t>(dict_->items.size());
    default:
      return -1;
  }
}

ValueList Value::iterate() const {
  switch (kind_) {
    case Kind::List:
      return *list_;
    case Kind::Dict: {
      ValueList keys;
      for (const auto& item : dict_->items) keys.emplace_back(item.first);
      return keys;
    }
    case Kind::String: {
      ValueList chars;
      for (char32_t c : PyText::decode(str_)) chars.emplace_back(PyText::encode(std::u32string(1, c)));
      return chars;
    }
    default:
      return {};
  }
}

bool Value::operator==(const Value& other) const {
  if (isNumber() && other.isNumber()) {
    if (kind_ == Kind::Float || other.kind_ == Kind::Float) return asFloat() == other.asFloat();
    return int_ == other.int_;
  }
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::Undefined:
    case Kind::None:
      return true;
    case Kind::String:
      return str_ == other.str_;
    case Kind::List:
      return *list_ == *other.list_;
    case Kind::Dict:
    case Kind::Namespace: {
      if (dict_ == other.dict_) return true;
      if (dict_->items.size() != other.dict_->items.size()) return false;
      for (const auto& [k, v] : dict_->items) {
        const Value* o = other.dict_->find(k);
        if (!o || *o != v) return false;
      }
      return true;
    }
    case Kind::Function:
      return fn_ == other.fn_;
    default:
      return false;
  }
}

}  // namespace longrl::jinja
