#pragma once
#include <QString>

class QFontMetrics;

namespace longrl::viewers {

// A name without spaces (a file name, an example id) cannot wrap: a label showing it is as wide
// as the name, and a long one widens the window past a small screen. Shown elided in the middle
// to about `chars` digits' width instead (the whole name goes in a tooltip).
class ElidedText {
 public:
  static QString middle(const QString& text, const QFontMetrics& metrics, int chars = 40);
};

}  // namespace longrl::viewers
