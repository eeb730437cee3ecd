#include "support/Screenshot.h"

#include <QDir>
#include <QPixmap>
#include <QWidget>
#include <QtTest/QTest>

namespace longrl::test {

QString saveScreenshot(QWidget* widget, const QString& name) {
  const QString dir = qEnvironmentVariable("LONGRL_SCREENSHOT_DIR");
  if (dir.isEmpty() || !widget) return {};
  QDir().mkpath(dir);
  if (!widget->isVisible()) widget->show();
  QTest::qWait(300);  // layouts and pending paints settle
  const QString path = QDir(dir).filePath(name + QStringLiteral(".png"));
  return widget->grab().save(path) ? path : QString();
}

}  // namespace longrl::test
