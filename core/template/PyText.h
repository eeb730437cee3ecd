#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace longrl::jinja {

// Python's str operations on UTF-8 text, counted in code points as Python counts them.
class PyText {
 public:
  static std::u32string decode(std::string_view utf8);
  static std::string encode(std::u32string_view text);
  static int64_t length(std::string_view utf8);
  // str.isspace() for one code point (the set str.strip() and str.split() use).
  static bool isSpace(char32_t c);

  // strip/lstrip/rstrip: without `chars` Python's whitespace, else the code points of `chars`.
  static std::string strip(std::string_view s, const std::string* chars, bool left, bool right);
  // str.split(sep, maxsplit) / str.rsplit; sep == nullptr splits on whitespace runs.
  static std::vector<std::string> split(std::string_view s, const std::string* sep, int64_t maxsplit);
  static std::vector<std::string> rsplit(std::string_view s, const std::string* sep, int64_t maxsplit);
  static std::string replace(std::string_view s, std::string_view from, std::string_view to, int64_t count);
  static int64_t count(std::string_view s, std::string_view sub);
  // str.find / str.rfind as a code point index, -1 when absent.
  static int64_t find(std::string_view s, std::string_view sub, bool last);

  // Case mappings: ASCII, Latin-1, Greek and Cyrillic letters (what chat templates meet).
  static std::string lower(std::string_view s);
  static std::string upper(std::string_view s);
  static std::string capitalize(std::string_view s);  // str.capitalize()
  static std::string title(std::string_view s);       // str.title()
  static std::string jinjaTitle(std::string_view s);  // the `title` filter (words split at space and -([{<)

  // repr() of a str and of a float, and the JSON escaping json.dumps(ensure_ascii=False) uses.
  static std::string reprString(std::string_view s);
  static std::string reprFloat(double d);
  static std::string jsonString(std::string_view s, bool ensureAscii);
};

}  // namespace longrl::jinja
