#pragma once
#include <QString>

class QWidget;

namespace longrl::test {

// Saves `widget` as LONGRL_SCREENSHOT_DIR/name.png when that variable is set (for looking at a
// view by hand); does nothing otherwise. Returns the path written, or "".
QString saveScreenshot(QWidget* widget, const QString& name);

}  // namespace longrl::test
