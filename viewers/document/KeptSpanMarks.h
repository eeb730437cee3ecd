#pragma once
#include <QColor>
#include <QString>
#include <QTextCharFormat>

#include <string_view>
#include <vector>

#include "core/cprs/Compression.h"

namespace longrl::viewers {

// A span the compressor kept, in widget positions (UTF-16) of the document pane, with its scores.
struct KeptMark {
  int begin = 0, end = 0;
  double score = 0;  // the highest keep score among its tokens
  double mean = 0;   // their mean
};

// What `longrl compress` kept (cprs::KeptSpan: byte offsets into the document) -> marks in the
// document pane, and how they look: a green background, the stronger the higher the span's score
// (grounding highlights paint over it), its scores in the tooltip.
class KeptSpanMarks {
 public:
  // Spans past the document or empty are left out.
  static std::vector<KeptMark> map(std::string_view document, const std::vector<cprs::KeptSpan>& spans);
  static QColor color(double score);  // pale (0) to strong (1) green
  static QTextCharFormat format(double score);
  // "Kept by the compressor: score 0.91 (highest of its tokens), mean 0.64" for the mark holding
  // `pos`; "" off every mark.
  static QString tooltipAt(const std::vector<KeptMark>& marks, int pos);
  // "12 spans kept, 4.2× smaller (1,204 of 5,071 bytes)" for the document's header.
  static QString summary(const cprs::Compression& c);
};

}  // namespace longrl::viewers
