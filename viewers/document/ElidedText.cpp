#include "viewers/document/ElidedText.h"

#include <QFontMetrics>

namespace longrl::viewers {

QString ElidedText::middle(const QString& text, const QFontMetrics& metrics, int chars) {
  return metrics.elidedText(text, Qt::ElideMiddle, metrics.horizontalAdvance(QLatin1Char('0')) * chars);
}

}  // namespace longrl::viewers
