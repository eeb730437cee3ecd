#include "viewers/document/BehaviorMarks.h"

#include "viewers/document/ResponseParts.h"
#include "viewers/document/Utf16Offsets.h"

namespace longrl::viewers {

using behavior::BehaviorKind;

std::vector<BehaviorMark> BehaviorMarks::map(std::string_view resp, const std::vector<behavior::BehaviorSpan>& spans) {
  const auto parts = ResponseParts::split(resp);
  struct Clipped {
    behavior::BehaviorSpan s;
    bool answer;
  };
  std::vector<Clipped> kept;
  std::vector<std::size_t> think, answer;  // offsets into each pane's text
  for (const auto& s : spans) {
    if (s.end > resp.size() || s.begin >= s.end) continue;
    const bool inAnswer = parts.closed && s.begin >= parts.answerBegin;
    const std::size_t lo = inAnswer ? parts.answerBegin : parts.thinkBegin;
    const std::size_t hi = inAnswer ? parts.answerEnd : parts.thinkEnd;
    auto clip = [&](std::size_t v) { return std::min(std::max(v, lo), hi) - lo; };
    if (clip(s.end) <= clip(s.begin)) continue;
    kept.push_back({s, inAnswer});
    (inAnswer ? answer : think).insert((inAnswer ? answer : think).end(), {clip(s.begin), clip(s.end)});
    (inAnswer ? answer : think).insert((inAnswer ? answer : think).end(), {clip(s.cueBegin), clip(s.cueEnd)});
  }
  const auto t16 = Utf16Offsets::fromUtf8(resp.substr(parts.thinkBegin, parts.thinkEnd - parts.thinkBegin), think);
  const auto a16 = Utf16Offsets::fromUtf8(resp.substr(parts.answerBegin, parts.answerEnd - parts.answerBegin), answer);
  std::vector<BehaviorMark> out;
  std::size_t ti = 0, ai = 0;
  for (const auto& k : kept) {
    const auto& v = k.answer ? a16 : t16;
    std::size_t& at = k.answer ? ai : ti;
    BehaviorMark m;
    m.kind = k.s.kind;
    m.inAnswer = k.answer;
    m.begin = v[at];
    m.end = v[at + 1];
    m.cueBegin = v[at + 2];
    m.cueEnd = v[at + 3];
    at += 4;
    if (k.s.cueEnd > k.s.cueBegin && k.s.cueEnd <= resp.size())
      m.cue = QString::fromUtf8(resp.data() + k.s.cueBegin, qsizetype(k.s.cueEnd - k.s.cueBegin));
    out.push_back(m);
  }
  return out;
}

QColor BehaviorMarks::color(BehaviorKind kind) {
  switch (kind) {
    case BehaviorKind::Subgoal:
      return QColor(0x1e, 0x88, 0xe5);  // blue
    case BehaviorKind::Backtracking:
      return QColor(0x8e, 0x24, 0xaa);  // purple (red reads as an error)
    case BehaviorKind::Verification:
      return QColor(0x00, 0x89, 0x7b);  // teal
  }
  return Qt::gray;
}

QString BehaviorMarks::name(BehaviorKind kind) {
  switch (kind) {
    case BehaviorKind::Subgoal:
      return QStringLiteral("sub-goal");
    case BehaviorKind::Backtracking:
      return QStringLiteral("backtracking");
    case BehaviorKind::Verification:
      return QStringLiteral("verification");
  }
  return {};
}

QTextCharFormat BehaviorMarks::stepFormat(BehaviorKind kind) {
  QTextCharFormat f;
  f.setUnderlineStyle(QTextCharFormat::SingleUnderline);
  f.setUnderlineColor(color(kind));
  return f;
}

QTextCharFormat BehaviorMarks::cueFormat(BehaviorKind kind) {
  QTextCharFormat f = stepFormat(kind);
  QColor tint = color(kind);
  tint.setAlpha(60);
  f.setBackground(tint);
  f.setForeground(color(kind).darker(130));
  return f;
}

QString BehaviorMarks::tooltipAt(const std::vector<BehaviorMark>& marks, bool inAnswer, int pos) {
  QStringList lines;
  for (const auto& m : marks)
    if (m.inAnswer == inAnswer && pos >= m.begin && pos < m.end)
      lines << (m.cue.isEmpty() ? name(m.kind) : QStringLiteral("%1 (cue \"%2\")").arg(name(m.kind), m.cue));
  return lines.join(QLatin1Char('\n'));
}

QString BehaviorMarks::legendHtml(const std::vector<BehaviorMark>& marks, const QString& classifier) {
  QStringList items;
  for (BehaviorKind k : behavior::kBehaviorKinds) {
    int n = 0;
    for (const auto& m : marks) n += m.kind == k ? 1 : 0;
    // Non-breaking: a narrow pane wraps between behaviours, never inside one.
    items
        << QStringLiteral("<span style='color:%1'>&#9632;</span>&nbsp;%2&nbsp;%3").arg(color(k).name(), name(k)).arg(n);
  }
  return QStringLiteral("%1 <span style='color:gray'>(%2 classifier)</span>")
      .arg(items.join(QStringLiteral(" &nbsp;")), classifier.toHtmlEscaped());
}

}  // namespace longrl::viewers
