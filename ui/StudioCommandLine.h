#pragma once
#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <optional>

namespace longrl::ui {

// longrl-studio's command line, declared once. --help and --version are answered from the raw
// arguments before the QApplication exists: creating one needs a display, and without one Qt
// aborts in its platform plugin instead of printing the help.
class StudioCommandLine {
 public:
  StudioCommandLine();

  // What to print on stdout when `args` (program first) ask for --help (-h, -?, --help-all) or
  // --version (-v); nullopt otherwise. Arguments after "--" are not options.
  std::optional<QString> earlyAnswer(const QStringList& args) const;
  // After parser.parse() or process(): --demo-minutes and --screenshot-after in range, or the
  // message naming the option, the value and the range.
  QString checkNumbers(int* demoMinutes, double* screenshotAfterS) const;
  // --rollout: the rollout id to show (0 when the option is not given), or the message.
  QString checkRollout(qint64* rolloutId) const;

  QCommandLineParser parser;
  QCommandLineOption demoDir;
  QCommandLineOption demoMinutes;
  QCommandLineOption screenshot;
  QCommandLineOption screenshotAfter;
  QCommandLineOption rollout;
};

}  // namespace longrl::ui
