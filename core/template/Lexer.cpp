#include "core/template/Lexer.h"

#include <algorithm>
#include <cctype>

#include "core/template/PyText.h"
#include "core/template/StringLiteral.h"
#include "core/template/TemplateError.h"

namespace longrl::jinja {
namespace {

std::string normalizeNewlines(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

bool isSpaceByte(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool isNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

size_t skipSpaces(const std::string& s, size_t pos) {
  while (pos < s.size() && isSpaceByte(s[pos])) ++pos;
  return pos;
}

// Digits with single underscores between them, as Python number literals allow.
size_t scanDigits(const std::string& s, size_t pos) {
  if (pos >= s.size() || !isDigit(s[pos])) return pos;
  while (pos < s.size() && (isDigit(s[pos]) || (s[pos] == '_' && pos + 1 < s.size() && isDigit(s[pos + 1])))) ++pos;
  return pos;
}

}  // namespace

Lexer::Lexer(const std::string& source, std::string sourceName, bool trimBlocks, bool lstripBlocks)
    : src_(normalizeNewlines(source)), name_(std::move(sourceName)), trimBlocks_(trimBlocks),
      lstripBlocks_(lstripBlocks) {
  lineStarts_.push_back(0);
  for (size_t i = 0; i < src_.size(); ++i)
    if (src_[i] == '\n') lineStarts_.push_back(i + 1);
}

void Lexer::fail(size_t offset, const std::string& message) const {
  const auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset) - 1;
  throw TemplateError(name_, static_cast<int>(it - lineStarts_.begin()) + 1, static_cast<int>(offset - *it) + 1,
                      message);
}

void Lexer::push(Token::Type type, std::string text, size_t offset) {
  const auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset) - 1;
  tokens_.push_back(
      Token{type, std::move(text), static_cast<int>(it - lineStarts_.begin()) + 1, static_cast<int>(offset - *it) + 1});
}

std::vector<Token> Lexer::tokenize() {
  size_t pos = 0;
  while (pos < src_.size()) {
    size_t at = src_.find('{', pos);
    while (at != std::string::npos &&
           (at + 1 >= src_.size() || (src_[at + 1] != '{' && src_[at + 1] != '%' && src_[at + 1] != '#')))
      at = src_.find('{', at + 1);
    if (at == std::string::npos) {
      push(Token::Type::Data, src_.substr(pos), pos);
      break;
    }
    const char kind = src_[at + 1];
    const char sign = at + 2 < src_.size() && (src_[at + 2] == '-' || src_[at + 2] == '+') ? src_[at + 2] : 0;
    std::string text = leadingData(pos, at, kind, sign);
    if (!text.empty()) push(Token::Type::Data, std::move(text), pos);
    const size_t from = at + 2 + (sign ? 1 : 0);
    size_t rawAfter = 0;
    if (kind == '#') pos = lexComment(at, from);
    else if (kind == '%' && rawBegins(from, rawAfter)) pos = lexRaw(rawAfter);
    else pos = lexTag(at, from, kind);
    lineStarting_ = pos > 0 && src_[pos - 1] == '\n';
  }
  push(Token::Type::End, "", src_.size());
  return std::move(tokens_);
}

// The text before a tag, with `-` stripping and lstrip_blocks applied (which leaves `{{` alone).
std::string Lexer::leadingData(size_t pos, size_t tagAt, char kind, char sign) const {
  std::string text = src_.substr(pos, tagAt - pos);
  if (sign == '-') return PyText::strip(text, nullptr, false, true);
  if (sign == '+' || kind == '{' || !lstripBlocks_) return text;
  const size_t lineStart = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  if ((lineStart > 0 || lineStarting_) && lineStart < text.size() &&
      std::all_of(text.begin() + lineStart, text.end(), isSpaceByte))
    text.erase(lineStart);
  return text;
}

size_t Lexer::lexComment(size_t tagAt, size_t from) {
  const size_t end = src_.find("#}", from);
  if (end == std::string::npos) fail(tagAt, "missing end of comment tag");
  const char before = end > from ? src_[end - 1] : 0;
  if (before == '-') return skipSpaces(src_, end + 2);
  if (before != '+' && trimBlocks_ && end + 2 < src_.size() && src_[end + 2] == '\n') return end + 3;
  return end + 2;
}

bool Lexer::rawBegins(size_t from, size_t& after) const {
  size_t p = skipSpaces(src_, from);
  if (src_.compare(p, 3, "raw") != 0 || (p + 3 < src_.size() && isNameChar(src_[p + 3]))) return false;
  p = skipSpaces(src_, p + 3);
  if (src_.compare(p, 3, "-%}") == 0) {
    after = skipSpaces(src_, p + 3);
    return true;
  }
  if (src_.compare(p, 2, "%}") != 0) return false;
  after = p + 2;
  return true;
}

size_t Lexer::lexRaw(size_t from) {
  for (size_t at = src_.find("{%", from); at != std::string::npos; at = src_.find("{%", at + 2)) {
    const char sign = at + 2 < src_.size() && (src_[at + 2] == '-' || src_[at + 2] == '+') ? src_[at + 2] : 0;
    size_t p = skipSpaces(src_, at + 2 + (sign ? 1 : 0));
    if (src_.compare(p, 6, "endraw") != 0) continue;
    size_t after = 0;
    if (!tagEnds(skipSpaces(src_, p + 6), '%', after)) continue;
    const std::string text = leadingData(from, at, '%', sign);
    if (!text.empty()) push(Token::Type::Data, text, from);
    return after;
  }
  fail(from, "missing end of raw directive");
}

// Whether the tag closes at `pos` ("%}" or "}}" with its - or + modifier); `after` is where
// the text resumes, past the whitespace `-` strips or the newline trim_blocks drops.
bool Lexer::tagEnds(size_t pos, char kind, size_t& after) const {
  const char* close = kind == '%' ? "%}" : "}}";
  if (src_.compare(pos, 1, "-") == 0 && src_.compare(pos + 1, 2, close) == 0) {
    after = skipSpaces(src_, pos + 3);
    return true;
  }
  if (kind == '%' && src_.compare(pos, 1, "+") == 0 && src_.compare(pos + 1, 2, close) == 0) {
    after = pos + 3;
    return true;
  }
  if (src_.compare(pos, 2, close) != 0) return false;
  after = pos + 2;
  if (kind == '%' && trimBlocks_ && after < src_.size() && src_[after] == '\n') ++after;
  return true;
}

size_t Lexer::lexTag(size_t tagAt, size_t from, char kind) {
  const bool block = kind == '%';
  push(block ? Token::Type::BlockBegin : Token::Type::VariableBegin, "", tagAt);
  std::vector<char> brackets;
  size_t pos = from;
  while (true) {
    pos = skipSpaces(src_, pos);
    if (pos >= src_.size()) fail(tagAt, block ? "unexpected end of template: missing '%}'" : "missing '}}'");
    size_t after = 0;
    if (brackets.empty() && tagEnds(pos, kind, after)) {
      push(block ? Token::Type::BlockEnd : Token::Type::VariableEnd, "", pos);
      return after;
    }
    const char c = src_[pos];
    if (isNameStart(c)) {
      size_t end = pos;
      while (end < src_.size() && isNameChar(src_[end])) ++end;
      push(Token::Type::Name, src_.substr(pos, end - pos), pos);
      pos = end;
    } else if (c == '\'' || c == '"') {
      pos = lexString(pos);
    } else if (isDigit(c)) {
      pos = lexNumber(pos);
    } else {
      pos = lexOperator(pos, brackets);
    }
  }
}

size_t Lexer::lexString(size_t pos) {
  const char quote = src_[pos];
  size_t end = pos + 1;
  while (end < src_.size() && src_[end] != quote) end += src_[end] == '\\' ? 2 : 1;
  if (end >= src_.size()) fail(pos, "unterminated string");
  push(Token::Type::String, StringLiteral::unescape(src_.substr(pos + 1, end - pos - 1)), pos);
  return end + 1;
}

size_t Lexer::lexNumber(size_t pos) {
  size_t end = scanDigits(src_, pos);
  bool isFloat = false;
  if (end + 1 < src_.size() && src_[end] == '.' && isDigit(src_[end + 1])) {
    end = scanDigits(src_, end + 1);
    isFloat = true;
  }
  if (end < src_.size() && (src_[end] == 'e' || src_[end] == 'E')) {
    size_t e = end + 1;
    if (e < src_.size() && (src_[e] == '+' || src_[e] == '-')) ++e;
    if (e < src_.size() && isDigit(src_[e])) {
      end = scanDigits(src_, e);
      isFloat = true;
    }
  }
  std::string text = src_.substr(pos, end - pos);
  text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
  push(isFloat ? Token::Type::Float : Token::Type::Integer, text, pos);
  return end;
}

size_t Lexer::lexOperator(size_t pos, std::vector<char>& brackets) {
  static const char* const kTwo[] = {"//", "**", "==", "!=", "<=", ">="};
  for (const char* op : kTwo)
    if (src_.compare(pos, 2, op) == 0) {
      push(Token::Type::Operator, op, pos);
      return pos + 2;
    }
  const char c = src_[pos];
  if (std::string("+-/*%~[](){}<>=.:|,;").find(c) == std::string::npos)
    fail(pos, std::string("unexpected character '") + c + "'");
  if (c == '(' || c == '[' || c == '{') brackets.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
  if (c == ')' || c == ']' || c == '}') {
    if (brackets.empty()) fail(pos, std::string("unexpected '") + c + "'");
    if (brackets.back() != c) fail(pos, std::string("unexpected '") + c + "', expected '" + brackets.back() + "'");
    brackets.pop_back();
  }
  push(Token::Type::Operator, std::string(1, c), pos);
  return pos + 1;
}

}  // namespace longrl::jinja
