// longrl-studio: the desktop workbench. `longrl-studio [RUN_DIR ...]` opens those runs.
#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>

#include "core/Version.h"
#include "ui/MainWindow.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("longrl"));
  QApplication::setApplicationName(QStringLiteral("longrl-studio"));
  QApplication::setApplicationVersion(QString::fromLatin1(longrl::kVersion));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Train and inspect long-context reasoning models."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("RUN_DIR"), QStringLiteral("Run directories to open."), QStringLiteral("[RUN_DIR...]"));
  parser.process(app);

  longrl::ui::MainWindow window;
  window.restoreSettings();
  QStringList dirs = parser.positionalArguments();
  if (dirs.isEmpty()) dirs = QSettings().value(QStringLiteral("runs/open")).toStringList();
  for (const QString& dir : dirs) window.openRun(dir);
  window.show();
  return app.exec();
}
