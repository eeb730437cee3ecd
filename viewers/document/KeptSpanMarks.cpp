#include "viewers/document/KeptSpanMarks.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>

#include "viewers/document/Utf16Offsets.h"

namespace longrl::viewers {

std::vector<KeptMark> KeptSpanMarks::map(std::string_view document, const std::vector<cprs::KeptSpan>& spans) {
  std::vector<const cprs::KeptSpan*> kept;
  std::vector<std::size_t> offsets;
  for (const auto& s : spans) {
    if (s.span.end > document.size() || s.span.begin >= s.span.end) continue;
    kept.push_back(&s);
    offsets.insert(offsets.end(), {s.span.begin, s.span.end});
  }
  const auto pos = Utf16Offsets::fromUtf8(document, offsets);
  std::vector<KeptMark> out;
  for (std::size_t i = 0; i < kept.size(); ++i)
    out.push_back({pos[2 * i], pos[2 * i + 1], kept[i]->score, kept[i]->mean});
  return out;
}

QColor KeptSpanMarks::color(double score) {
  const double t = std::clamp(score, 0.0, 1.0);
  const QColor lo(232, 245, 233), hi(102, 187, 106);
  auto mix = [t](int a, int b) { return int(a + (b - a) * t + 0.5); };
  return QColor(mix(lo.red(), hi.red()), mix(lo.green(), hi.green()), mix(lo.blue(), hi.blue()));
}

QTextCharFormat KeptSpanMarks::format(double score) {
  QTextCharFormat f;
  f.setBackground(color(score));
  return f;
}

QString KeptSpanMarks::tooltipAt(const std::vector<KeptMark>& marks, int pos) {
  for (const auto& m : marks)
    if (pos >= m.begin && pos < m.end)
      return QCoreApplication::translate("KeptSpanMarks",
                                         "Kept by the compressor: score %1 (highest of its tokens), mean %2")
          .arg(QString::number(m.score, 'f', 2), QString::number(m.mean, 'f', 2));
  return {};
}

QString KeptSpanMarks::summary(const cprs::Compression& c) {
  const QString spans = c.spans.size() == 1 ? QCoreApplication::translate("KeptSpanMarks", "1 span")
                                            : QCoreApplication::translate("KeptSpanMarks", "%1 spans")
                                                  .arg(QLocale().toString(qulonglong(c.spans.size())));
  return QCoreApplication::translate("KeptSpanMarks", "%1 kept, %2× smaller (%3 of %4 bytes)")
      .arg(spans, QString::number(c.ratio(), 'f', 1), QLocale().toString(qulonglong(c.keptBytes)),
           QLocale().toString(qulonglong(c.documentBytes)));
}

}  // namespace longrl::viewers
