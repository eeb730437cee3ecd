// longrl-studio: the desktop workbench. `longrl-studio [RUN_DIR ...]` opens those runs.
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QIcon>
#include <QPixmap>
#include <QSettings>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>
#include <memory>

#include "core/Version.h"
#include "ui/DemoLauncher.h"
#include "ui/MainWindow.h"
#include "ui/StudioCommandLine.h"
#include "ui/rollouts/RolloutsWorkspace.h"
#include "viewers/document/RolloutDetailView.h"

int main(int argc, char** argv) {
  // Set before anything reads them (the demo directory's default lives under the app's data dir).
  QApplication::setOrganizationName(QStringLiteral("longrl"));
  QApplication::setApplicationName(QStringLiteral("longrl-studio"));
  QApplication::setApplicationVersion(QString::fromLatin1(longrl::kVersion));
  longrl::ui::StudioCommandLine cli;
  QStringList arguments;
  for (int i = 0; i < argc; ++i) arguments << QString::fromLocal8Bit(argv[i]);
  if (const auto answer = cli.earlyAnswer(arguments)) {  // before QApplication: it needs a display
    std::fputs(answer->toLocal8Bit().constData(), stdout);
    return 0;
  }

  QApplication app(argc, argv);
  // Ties the windows to packaging/longrl-studio.desktop (Wayland app id) and its installed icon.
  QGuiApplication::setDesktopFileName(QStringLiteral("longrl-studio"));
  QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("longrl-studio")));
  cli.parser.process(app);
  int demoMinutes = 0;
  double screenshotAfterS = 0;
  if (const QString error = cli.checkNumbers(&demoMinutes, &screenshotAfterS); !error.isEmpty()) {
    std::fprintf(stderr, "longrl-studio: %s\n", qPrintable(error));
    return 2;
  }
  qint64 rolloutId = 0;
  if (const QString error = cli.checkRollout(&rolloutId); !error.isEmpty()) {
    std::fprintf(stderr, "longrl-studio: %s\n", qPrintable(error));
    return 2;
  }

  longrl::ui::MainWindow window;
  window.restoreSettings();
  const QStringList dirs = cli.parser.positionalArguments();
  for (const QString& dir : dirs) window.openRun(dir);
  // No run given: reopen the last session's runs; open the built-in demo,
  // starting it if needed, when it was one of them or there is none to reopen.
  QStringList reopen = dirs.isEmpty() ? window.savedOpenRuns() : QStringList();
  const QString demoDir = cli.parser.value(cli.demoDir);
  const bool demoWasOpen = reopen.removeAll(QFileInfo(demoDir).absoluteFilePath()) > 0;
  const int reopened = window.reopenRuns(reopen);
  if (dirs.isEmpty() && (demoWasOpen || reopened == 0)) {
    const QString longrl = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("longrl"));
    auto* demo = new longrl::ui::DemoLauncher(longrl, demoDir, &window);
    QObject::connect(demo, &longrl::ui::DemoLauncher::message, &window, &longrl::ui::MainWindow::showMessage);
    QDir().mkpath(demo->runDir());
    window.openRun(demo->runDir(), QStringLiteral("local (demo)"));
    demo->start(demoMinutes);
  }
  window.show();
  if (rolloutId > 0) {
    if (auto* tabs = qobject_cast<QTabWidget*>(window.centralWidget())) tabs->setCurrentWidget(window.rollouts());
    auto* workspace = window.rollouts();
    workspace->showRollout(rolloutId);
    // The annotation queue selects its first example once it has loaded, which shows that
    // example's latest rollout: the asked one wins during the first seconds.
    auto since = std::make_shared<QElapsedTimer>();
    since->start();
    QObject::connect(workspace->detail(), &longrl::viewers::RolloutDetailView::shown, workspace,
                     [workspace, rolloutId, since](qint64 shown) {
                       if (shown != rolloutId && since->elapsed() < 10000) workspace->showRollout(rolloutId);
                     });
  }
  if (cli.parser.isSet(cli.screenshot)) {
    const QString file = cli.parser.value(cli.screenshot);
    QTimer::singleShot(static_cast<int>(screenshotAfterS * 1000), &window, [&window, file] {
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
