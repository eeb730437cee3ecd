#include "trainer/train/SlurmHostlist.h"

#include <algorithm>
#include <cctype>

namespace longrl::train {
namespace {

bool isDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// a < b as decimal numbers of any length ("007" == "7").
bool numberLess(const std::string& a, const std::string& b) {
  const auto strip = [](const std::string& s) { return s.substr(std::min(s.find_first_not_of('0'), s.size())); };
  const std::string x = strip(a), y = strip(b);
  return x.size() != y.size() ? x.size() < y.size() : x < y;
}

// The first number of a bracket's ranges ("01-04,07" -> "01"); every range is checked.
std::string firstOfRanges(const std::string& inner) {
  std::string first;
  size_t start = 0;
  while (start <= inner.size()) {
    size_t comma = inner.find(',', start);
    if (comma == std::string::npos) comma = inner.size();
    const std::string range = inner.substr(start, comma - start);
    const size_t dash = range.find('-');
    const std::string lo = range.substr(0, dash), hi = dash == std::string::npos ? lo : range.substr(dash + 1);
    if (!isDigits(lo) || !isDigits(hi))
      throw SlurmHostlist::Error("'[" + inner + "]' holds '" + range + "', not a number or a range of numbers");
    if (numberLess(hi, lo)) throw SlurmHostlist::Error("'[" + inner + "]' holds the backward range '" + range + "'");
    if (first.empty()) first = lo;
    start = comma + 1;
  }
  return first;
}

// Brackets are balanced and never nested; the list has no whitespace.
void checkShape(const std::string& list) {
  bool open = false;
  for (size_t i = 0; i < list.size(); ++i) {
    const char c = list[i];
    if (std::isspace(static_cast<unsigned char>(c)))
      throw SlurmHostlist::Error("whitespace at offset " + std::to_string(i));
    if (c == '[' && open) throw SlurmHostlist::Error("nested '[' at offset " + std::to_string(i));
    if (c == ']' && !open) throw SlurmHostlist::Error("']' without '[' at offset " + std::to_string(i));
    if (c == '[' || c == ']') open = c == '[';
  }
  if (open) throw SlurmHostlist::Error("a '[' is not closed");
}

}  // namespace

std::string SlurmHostlist::firstHost(const std::string& list) {
  if (list.empty()) throw Error("the list is empty");
  checkShape(list);
  std::string first;
  bool inFirst = true, entryEmpty = true;
  size_t i = 0;
  while (i < list.size()) {
    if (list[i] == ',') {  // a comma outside brackets ends an entry
      if (entryEmpty) throw Error("an empty entry at offset " + std::to_string(i));
      inFirst = false;
      entryEmpty = true;
      ++i;
      continue;
    }
    entryEmpty = false;
    if (list[i] == '[') {
      const size_t close = list.find(']', i);
      const std::string host = firstOfRanges(list.substr(i + 1, close - i - 1));
      if (inFirst) first += host;
      i = close + 1;
    } else {
      if (inFirst) first += list[i];
      ++i;
    }
  }
  if (entryEmpty) throw Error("the list ends with ','");
  return first;
}

}  // namespace longrl::train
