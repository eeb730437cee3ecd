// longrl-studio: the desktop workbench. `longrl-studio [RUN_DIR ...]` opens those runs.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QPixmap>
#include <QSettings>
#include <QTimer>
#include <cstdio>

#include "core/Version.h"
#include "ui/DemoLauncher.h"
#include "ui/MainWindow.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("longrl"));
  QApplication::setApplicationName(QStringLiteral("longrl-studio"));
  QApplication::setApplicationVersion(QString::fromLatin1(longrl::kVersion));
  // Ties the windows to packaging/longrl-studio.desktop (Wayland app id) and its installed icon.
  QGuiApplication::setDesktopFileName(QStringLiteral("longrl-studio"));
  QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("longrl-studio")));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Train and inspect long-context reasoning models."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("RUN_DIR"),
                               QStringLiteral("Run directories to open. With none, the runs open at the last exit "
                                              "reopen; the built-in demo run opens (and trains, if it has not "
                                              "finished) when it was one of them or there were none."),
                               QStringLiteral("[RUN_DIR...]"));
  QCommandLineOption demoDir(QStringLiteral("demo-dir"), QStringLiteral("Where the demo run lives."),
                             QStringLiteral("DIR"), longrl::ui::DemoLauncher::defaultRunDir());
  QCommandLineOption demoMinutes(QStringLiteral("demo-minutes"), QStringLiteral("Time budget of the demo's training."),
                                 QStringLiteral("M"), QStringLiteral("0"));
  // For documentation and for looking at the window where there is no screen (offscreen, Xvfb).
  QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                QStringLiteral(
                                    "Save the main window as an image after --screenshot-after seconds, then quit."),
                                QStringLiteral("FILE"));
  QCommandLineOption screenshotAfter(QStringLiteral("screenshot-after"),
                                     QStringLiteral("Seconds to wait before --screenshot (default 5)."),
                                     QStringLiteral("S"), QStringLiteral("5"));
  parser.addOption(demoDir);
  parser.addOption(demoMinutes);
  parser.addOption(screenshot);
  parser.addOption(screenshotAfter);
  parser.process(app);

  longrl::ui::MainWindow window;
  window.restoreSettings();
  const QStringList dirs = parser.positionalArguments();
  for (const QString& dir : dirs) window.openRun(dir);
  // No run given: reopen the last session's runs; open the built-in demo,
  // starting it if needed, when it was one of them or there is none to reopen.
  QStringList reopen = dirs.isEmpty() ? window.savedOpenRuns() : QStringList();
  const bool demoWasOpen = reopen.removeAll(QFileInfo(parser.value(demoDir)).absoluteFilePath()) > 0;
  const int reopened = window.reopenRuns(reopen);
  if (dirs.isEmpty() && (demoWasOpen || reopened == 0)) {
    const QString longrl = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("longrl"));
    auto* demo = new longrl::ui::DemoLauncher(longrl, parser.value(demoDir), &window);
    QObject::connect(demo, &longrl::ui::DemoLauncher::message, &window, &longrl::ui::MainWindow::showMessage);
    QDir().mkpath(demo->runDir());
    window.openRun(demo->runDir(), QStringLiteral("local (demo)"));
    demo->start(parser.value(demoMinutes).toInt());
  }
  window.show();
  if (parser.isSet(screenshot)) {
    bool ok = false;
    const double after = parser.value(screenshotAfter).toDouble(&ok);
    if (!ok || after < 0) {
      std::fprintf(stderr, "longrl-studio: --screenshot-after expects seconds >= 0, got '%s'\n",
                   qPrintable(parser.value(screenshotAfter)));
      return 2;
    }
    const QString file = parser.value(screenshot);
    QTimer::singleShot(static_cast<int>(after * 1000), &window, [&window, file] {
      if (!window.grab().save(file)) {
        std::fprintf(stderr, "longrl-studio: cannot write the screenshot %s\n", qPrintable(file));
        QCoreApplication::exit(1);
        return;
      }
      QCoreApplication::quit();
    });
  }
  return app.exec();
}
