#include "ui/StudioCommandLine.h"

#include <cmath>

#include "core/Version.h"
#include "ui/DemoLauncher.h"

namespace longrl::ui {
namespace {

constexpr long long kMaxDemoMinutes = 60 * 24 * 365;
constexpr double kMaxScreenshotAfterS = 24 * 3600;

}  // namespace

StudioCommandLine::StudioCommandLine()
    : demoDir(QStringLiteral("demo-dir"), QStringLiteral("Where the demo run lives."), QStringLiteral("DIR"),
              DemoLauncher::defaultRunDir()),
      demoMinutes(QStringLiteral("demo-minutes"),
                  QStringLiteral("Time budget of the demo's training (0: its default)."), QStringLiteral("M"),
                  QStringLiteral("0")),
      // For documentation and for looking at the window where there is no screen (offscreen, Xvfb).
      screenshot(QStringLiteral("screenshot"),
                 QStringLiteral("Save the main window as an image after --screenshot-after seconds, then quit."),
                 QStringLiteral("FILE")),
      screenshotAfter(QStringLiteral("screenshot-after"),
                      QStringLiteral("Seconds to wait before --screenshot (default 5)."), QStringLiteral("S"),
                      QStringLiteral("5")),
      rollout(QStringLiteral("rollout"),
              QStringLiteral("Open the Rollouts tab of the first run showing rollout ID (its trace, reward and "
                             "behaviours)."),
              QStringLiteral("ID")) {
  parser.setApplicationDescription(QStringLiteral("Train and inspect long-context reasoning models."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("RUN_DIR"),
                               QStringLiteral("Run directories to open. With none, the runs open at the last exit "
                                              "reopen; the built-in demo run opens (and trains, if it has not "
                                              "finished) when it was one of them or there were none."),
                               QStringLiteral("[RUN_DIR...]"));
  parser.addOption(demoDir);
  parser.addOption(demoMinutes);
  parser.addOption(screenshot);
  parser.addOption(screenshotAfter);
  parser.addOption(rollout);
}

std::optional<QString> StudioCommandLine::earlyAnswer(const QStringList& args) const {
  for (int i = 1; i < args.size(); ++i) {
    const QString& a = args[i];
    if (a == QLatin1String("--")) break;
    if (a == QLatin1String("-h") || a == QLatin1String("--help") || a == QLatin1String("-?") ||
        a == QLatin1String("--help-all")) {
      // Qt names the program after argv[0] of an application object, or <executable_name> without one.
      QString help = parser.helpText();
      const QString usage = QStringLiteral("Usage: ");
      const int nameEnd = help.indexOf(QStringLiteral(" [options]"));
      if (help.startsWith(usage) && nameEnd > usage.size())
        help.replace(usage.size(), nameEnd - usage.size(), QStringLiteral("longrl-studio"));
      return help;
    }
    if (a == QLatin1String("-v") || a == QLatin1String("--version"))
      return QStringLiteral("longrl-studio ") + QString::fromLatin1(kVersion) + '\n';
  }
  return std::nullopt;
}

QString StudioCommandLine::checkNumbers(int* minutes, double* afterS) const {
  bool ok = false;
  const QString m = parser.value(demoMinutes);
  const long long v = m.toLongLong(&ok);
  if (!ok || v < 0 || v > kMaxDemoMinutes)
    return QStringLiteral("option --demo-minutes expects an integer from 0 to %1, got '%2'")
        .arg(kMaxDemoMinutes)
        .arg(m);
  const QString s = parser.value(screenshotAfter);
  const double after = s.toDouble(&ok);
  if (!ok || !std::isfinite(after) || after < 0 || after > kMaxScreenshotAfterS)
    return QStringLiteral("option --screenshot-after expects seconds from 0 to %1, got '%2'")
        .arg(kMaxScreenshotAfterS)
        .arg(s);
  *minutes = static_cast<int>(v);
  *afterS = after;
  return {};
}

QString StudioCommandLine::checkRollout(qint64* rolloutId) const {
  *rolloutId = 0;
  if (!parser.isSet(rollout)) return {};
  bool ok = false;
  const QString v = parser.value(rollout);
  const qint64 id = v.toLongLong(&ok);
  if (!ok || id < 1) return QStringLiteral("option --rollout expects a rollout id (1 or more), got '%1'").arg(v);
  *rolloutId = id;
  return {};
}

}  // namespace longrl::ui
