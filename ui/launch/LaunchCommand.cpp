#include "ui/launch/LaunchCommand.h"

#include <QFileInfo>
#include <QMap>

#include "ui/launch/ShellWords.h"

namespace longrl::ui {
namespace {

// Replaces {name} placeholders in one pass (a value that itself contains "{config}" stays as is).
QString substitute(const QString& word, const QMap<QString, QString>& values) {
  QString out;
  int i = 0;
  while (i < word.size()) {
    if (word[i] == '{') {
      const int close = word.indexOf('}', i + 1);
      if (close > i) {
        const QString name = word.mid(i + 1, close - i - 1);
        auto it = values.find(name);
        if (it != values.end()) {
          out += *it;
          i = close + 1;
          continue;
        }
      }
    }
    out += word[i++];
  }
  return out;
}

}  // namespace

QStringList LaunchCommand::trainWords(const LaunchSpec& spec, const QString& longrl, const QString& config,
                                      const QString& runDir, bool events) {
  QStringList w{longrl, QStringLiteral("train"),     QStringLiteral("--config"),
                config, QStringLiteral("--run-dir"), runDir};
  if (events) w << QStringLiteral("--events") << QStringLiteral("stdout");
  if (spec.nproc > 1) w << QStringLiteral("--nproc") << QString::number(spec.nproc);
  if (spec.resume) w << QStringLiteral("--resume");
  return w;
}

QString LaunchCommand::quoteRemotePath(const QString& path) {
  if (path == QLatin1String("~")) return path;
  if (path.startsWith(QLatin1String("~/"))) return QStringLiteral("~/") + ShellWords::quote(path.mid(2));
  return ShellWords::quote(path);
}

LaunchCommand LaunchCommand::build(const LaunchSpec& spec, const QString& configPath, const QByteArray& configJson) {
  LaunchCommand c;
  if (spec.localRunDir.isEmpty()) {
    c.error = QStringLiteral("no local run directory");
    return c;
  }
  switch (spec.kind) {
    case LaunchSpec::Kind::Local: {
      if (spec.trainerProgram.isEmpty()) {
        c.error = QStringLiteral("no trainer program set");
        return c;
      }
      const QStringList w = trainWords(spec, spec.trainerProgram, configPath, spec.localRunDir, false);
      c.program = w.first();
      c.arguments = w.mid(1);
      return c;
    }
    case LaunchSpec::Kind::Ssh: {
      if (spec.host.isEmpty() || spec.host.startsWith('-')) {
        c.error =
            spec.host.isEmpty() ? QStringLiteral("no ssh host") : QStringLiteral("ssh host must not start with '-'");
        return c;
      }
      if (spec.remoteRunDir.isEmpty()) {
        c.error = QStringLiteral("no remote run directory");
        return c;
      }
      QStringList options;
      QString splitError;
      if (!ShellWords::split(spec.sshOptions, options, &splitError)) {
        c.error = QStringLiteral("ssh options: ") + splitError;
        return c;
      }
      // BatchMode: a password or host-key prompt would hang a GUI that has no terminal; fail instead.
      c.program = QStringLiteral("ssh");
      c.arguments << QStringLiteral("-o") << QStringLiteral("BatchMode=yes") << QStringLiteral("-o")
                  << QStringLiteral("ConnectTimeout=%1").arg(spec.connectTimeoutS);
      if (spec.port > 0) c.arguments << QStringLiteral("-p") << QString::number(spec.port);
      if (!spec.user.isEmpty()) c.arguments << QStringLiteral("-l") << spec.user;
      c.arguments << options << QStringLiteral("--") << spec.host;
      // ssh joins its remaining arguments into one line for the remote shell: quote every word.
      // The pid line lets stop/kill signal the remote trainer itself ('exec' keeps the pid).
      QStringList words = trainWords(spec, spec.remoteLongrl, QStringLiteral("-"), spec.remoteRunDir, true);
      QString line = QStringLiteral("echo longrl-pid $$; exec ") + ShellWords::quote(words.takeFirst());
      for (int i = 0; i < words.size(); ++i)
        line += ' ' + (i > 0 && words[i - 1] == QLatin1String("--run-dir") ? quoteRemotePath(words[i])
                                                                           : ShellWords::quote(words[i]));
      c.arguments << line;
      c.stdinBytes = configJson;
      c.mirrorEvents = true;
      return c;
    }
    case LaunchSpec::Kind::Template: {
      QStringList words;
      QString splitError;
      if (!ShellWords::split(spec.templ, words, &splitError)) {
        c.error = QStringLiteral("launch template: ") + splitError;
        return c;
      }
      if (words.isEmpty()) {
        c.error = QStringLiteral("launch template is empty");
        return c;
      }
      if (!spec.templ.contains(QLatin1String("{command}")) && !spec.templ.contains(QLatin1String("{longrl}"))) {
        c.error = QStringLiteral("launch template must contain {command} or {longrl}");
        return c;
      }
      if (spec.remoteRunDir.isEmpty()) {
        c.error = QStringLiteral("no remote run directory for the template ({run_dir})");
        return c;
      }
      if (QFileInfo(spec.remoteRunDir).absoluteFilePath() == QFileInfo(spec.localRunDir).absoluteFilePath()) {
        c.error = QStringLiteral("the template's run directory must differ from the local mirror directory");
        return c;
      }
      const bool viaSsh = QFileInfo(words.first()).fileName() == QLatin1String("ssh");
      const QString config = viaSsh ? QStringLiteral("-") : configPath;
      const QStringList train = trainWords(spec, spec.remoteLongrl, config, spec.remoteRunDir, true);
      auto value = [viaSsh](const QString& v) { return viaSsh ? ShellWords::quote(v) : v; };
      const QMap<QString, QString> values{{QStringLiteral("longrl"), value(spec.remoteLongrl)},
                                          {QStringLiteral("config"), value(config)},
                                          {QStringLiteral("run_dir"), value(spec.remoteRunDir)},
                                          {QStringLiteral("nproc"), QString::number(spec.nproc)},
                                          // inside a larger word (e.g. bash -lc '{command}') a shell parses it
                                          {QStringLiteral("command"), ShellWords::join(train)}};
      QStringList argv;
      for (const QString& w : words) {
        if (w == QLatin1String("{command}")) {
          for (const QString& t : train) argv << value(t);
        } else {
          argv << substitute(w, values);
        }
      }
      c.program = argv.takeFirst();
      c.arguments = argv;
      c.stdinBytes = viaSsh ? configJson : QByteArray();
      c.mirrorEvents = true;
      return c;
    }
  }
  c.error = QStringLiteral("unknown launch kind");
  return c;
}

QString LaunchCommand::displayLine() const { return ShellWords::join(QStringList{program} + arguments); }

}  // namespace longrl::ui
