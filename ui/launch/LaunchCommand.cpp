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

// Why a remote path cannot be used as given ("" when it can). Only a leading "~/" is expanded,
// and only where a shell reads the path (`shellReads`); elsewhere the path must be absolute or relative.
QString tildeProblem(const QString& what, const QString& path, bool shellReads) {
  if (!path.startsWith('~')) return {};
  if (path != QLatin1String("~") && !path.startsWith(QLatin1String("~/")))
    return what + QStringLiteral(" '") + path + QStringLiteral("': only ~/ is expanded; give the full path");
  if (!shellReads)
    return what + QStringLiteral(" '") + path +
           QStringLiteral("': no shell expands ~ in a template word passed as is; give the full path");
  return {};
}

// The `longrl train ...` words for a shell command line: the program and the run directory as
// remote paths ("~/" expanded), every other word quoted.
QStringList quotedTrainWords(const QStringList& train) {
  QStringList out;
  for (int i = 0; i < train.size(); ++i) {
    const bool path = i == 0 || train[i - 1] == QLatin1String("--run-dir");
    out << (path ? LaunchCommand::quoteRemotePath(train[i]) : ShellWords::quote(train[i]));
  }
  return out;
}

LaunchCommand failed(const QString& error) {
  LaunchCommand c;
  c.error = error;
  return c;
}

// `ssh [options] -- HOST` for the spec, the remote command line still to be appended; or the
// reason the spec cannot be used.
LaunchCommand sshTo(const LaunchSpec& spec) {
  if (spec.host.isEmpty()) return failed(QStringLiteral("no ssh host"));
  if (spec.host.startsWith('-')) return failed(QStringLiteral("ssh host must not start with '-'"));
  if (spec.remoteRunDir.isEmpty()) return failed(QStringLiteral("no remote run directory"));
  for (const QString& problem : {tildeProblem(QStringLiteral("remote longrl"), spec.remoteLongrl, true),
                                 tildeProblem(QStringLiteral("remote run directory"), spec.remoteRunDir, true)})
    if (!problem.isEmpty()) return failed(problem);
  QStringList options;
  QString splitError;
  if (!ShellWords::split(spec.sshOptions, options, &splitError))
    return failed(QStringLiteral("ssh options: ") + splitError);
  // BatchMode: a password or host-key prompt would hang a GUI that has no terminal; fail instead.
  LaunchCommand c;
  c.program = QStringLiteral("ssh");
  c.arguments << QStringLiteral("-o") << QStringLiteral("BatchMode=yes") << QStringLiteral("-o")
              << QStringLiteral("ConnectTimeout=%1").arg(spec.connectTimeoutS);
  if (spec.port > 0) c.arguments << QStringLiteral("-p") << QString::number(spec.port);
  if (!spec.user.isEmpty()) c.arguments << QStringLiteral("-l") << spec.user;
  c.arguments << options << QStringLiteral("--") << spec.host;
  return c;
}

LaunchCommand sshCommand(const LaunchSpec& spec, const QByteArray& configJson) {
  LaunchCommand c = sshTo(spec);
  if (!c.error.isEmpty()) return c;
  // ssh joins its remaining arguments into one line for the remote shell: quote every word.
  // The pid line lets stop/kill signal the remote trainer itself ('exec' keeps the pid).
  const QStringList words =
      LaunchCommand::trainWords(spec, spec.remoteLongrl, QStringLiteral("-"), spec.remoteRunDir, true);
  c.arguments << QStringLiteral("echo longrl-pid $$; exec ") + quotedTrainWords(words).join(' ');
  c.stdinBytes = configJson;
  c.mirrorEvents = true;
  return c;
}

// The template's words with the placeholders filled in. Where a shell will read a value (every
// word behind ssh, and a placeholder inside a larger word such as bash -lc '... {run_dir} ...')
// it is quoted; a placeholder that is a whole word of a template run without a shell becomes
// one argv entry as is.
QStringList fillTemplate(const QStringList& words, const LaunchSpec& spec, const QString& config, bool viaSsh,
                         QString& error) {
  const QStringList train = LaunchCommand::trainWords(spec, spec.remoteLongrl, config, spec.remoteRunDir, true);
  const QMap<QString, QString> raw{{QStringLiteral("longrl"), spec.remoteLongrl},
                                   {QStringLiteral("config"), config},
                                   {QStringLiteral("run_dir"), spec.remoteRunDir},
                                   {QStringLiteral("nproc"), QString::number(spec.nproc)}};
  const QMap<QString, QString> quoted{{QStringLiteral("longrl"), LaunchCommand::quoteRemotePath(spec.remoteLongrl)},
                                      {QStringLiteral("config"), ShellWords::quote(config)},
                                      {QStringLiteral("run_dir"), LaunchCommand::quoteRemotePath(spec.remoteRunDir)},
                                      {QStringLiteral("nproc"), QString::number(spec.nproc)},
                                      {QStringLiteral("command"), quotedTrainWords(train).join(' ')}};
  auto passedAsIs = [&](const QString& what, const QString& path) {
    if (error.isEmpty()) error = tildeProblem(what, path, false);
  };
  QStringList argv;
  for (const QString& w : words) {
    const QString name = w.size() > 2 && w.startsWith('{') && w.endsWith('}') ? w.mid(1, w.size() - 2) : QString();
    if (viaSsh) {
      argv << (w == QLatin1String("{command}") ? quotedTrainWords(train) : QStringList{substitute(w, quoted)});
    } else if (name == QLatin1String("command")) {
      passedAsIs(QStringLiteral("remote longrl"), spec.remoteLongrl);
      passedAsIs(QStringLiteral("remote run directory"), spec.remoteRunDir);
      argv << train;
    } else if (raw.contains(name)) {
      if (name != QLatin1String("config") && name != QLatin1String("nproc"))
        passedAsIs(name == QLatin1String("longrl") ? QStringLiteral("remote longrl")
                                                   : QStringLiteral("remote run directory"),
                   raw[name]);
      argv << raw[name];
    } else {
      argv << substitute(w, quoted);
    }
  }
  return argv;
}

LaunchCommand templateCommand(const LaunchSpec& spec, const QString& configPath, const QByteArray& configJson) {
  QStringList words;
  QString splitError;
  if (!ShellWords::split(spec.templ, words, &splitError))
    return failed(QStringLiteral("launch template: ") + splitError);
  if (words.isEmpty()) return failed(QStringLiteral("launch template is empty"));
  if (!spec.templ.contains(QLatin1String("{command}")) && !spec.templ.contains(QLatin1String("{longrl}")))
    return failed(QStringLiteral("launch template must contain {command} or {longrl}"));
  if (spec.remoteRunDir.isEmpty())
    return failed(QStringLiteral("no remote run directory for the template ({run_dir})"));
  if (QFileInfo(spec.remoteRunDir).absoluteFilePath() == QFileInfo(spec.localRunDir).absoluteFilePath())
    return failed(QStringLiteral("the template's run directory must differ from the local mirror directory"));
  for (const QString& problem : {tildeProblem(QStringLiteral("remote longrl"), spec.remoteLongrl, true),
                                 tildeProblem(QStringLiteral("remote run directory"), spec.remoteRunDir, true)})
    if (!problem.isEmpty()) return failed(problem);
  const bool viaSsh = QFileInfo(words.first()).fileName() == QLatin1String("ssh");
  QString error;
  QStringList argv = fillTemplate(words, spec, viaSsh ? QStringLiteral("-") : configPath, viaSsh, error);
  if (!error.isEmpty()) return failed(error);
  LaunchCommand c;
  c.program = argv.takeFirst();
  c.arguments = argv;
  c.stdinBytes = viaSsh ? configJson : QByteArray();
  c.mirrorEvents = true;
  return c;
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
  if (path == QLatin1String("~")) return QStringLiteral("\"$HOME\"");
  if (path.startsWith(QLatin1String("~/"))) return QStringLiteral("\"$HOME\"/") + ShellWords::quote(path.mid(2));
  return ShellWords::quote(path);
}

LaunchCommand LaunchCommand::build(const LaunchSpec& spec, const QString& configPath, const QByteArray& configJson) {
  if (spec.localRunDir.isEmpty()) return failed(QStringLiteral("no local run directory"));
  switch (spec.kind) {
    case LaunchSpec::Kind::Local: {
      if (spec.trainerProgram.isEmpty()) return failed(QStringLiteral("no trainer program set"));
      const QStringList w = trainWords(spec, spec.trainerProgram, configPath, spec.localRunDir, false);
      LaunchCommand c;
      c.program = w.first();
      c.arguments = w.mid(1);
      return c;
    }
    case LaunchSpec::Kind::Ssh:
      return sshCommand(spec, configJson);
    case LaunchSpec::Kind::Template:
      return templateCommand(spec, configPath, configJson);
  }
  return failed(QStringLiteral("unknown launch kind"));
}

LaunchCommand LaunchCommand::annotate(const LaunchSpec& spec, const QString& origin, const QString& localLongrl) {
  const QStringList options{QStringLiteral("--apply"), QStringLiteral("-"), QStringLiteral("--origin"), origin};
  if (spec.kind == LaunchSpec::Kind::Ssh)
    return remoteLongrl(spec, QStringList{QStringLiteral("annotate"), spec.remoteRunDir} + options);
  if (spec.kind == LaunchSpec::Kind::Template) {
    // A scheduler's job cannot be reached from here; its run directory can, where the cluster
    // shares a filesystem with this machine (the studio on a login node).
    if (!QFileInfo::exists(spec.remoteRunDir + QStringLiteral("/run.sqlite")))
      return failed(QStringLiteral("labels reach a template run only through a shared filesystem, and ") +
                    spec.remoteRunDir + QStringLiteral(" has no run.sqlite visible from this machine"));
    LaunchCommand c;
    c.program = localLongrl;
    c.arguments = QStringList{QStringLiteral("annotate"), spec.remoteRunDir} + options;
    return c;
  }
  return failed(QStringLiteral("a local run's labels are written to its own store"));
}

LaunchCommand LaunchCommand::follow(const LaunchSpec& spec) {
  if (spec.kind != LaunchSpec::Kind::Ssh)
    return failed(QStringLiteral("attach follows a run over ssh; open a local (or shared) run directory instead"));
  LaunchCommand c = remoteLongrl(spec, {QStringLiteral("follow"), spec.remoteRunDir});
  c.mirrorEvents = c.error.isEmpty();
  return c;
}

LaunchCommand LaunchCommand::remoteLongrl(const LaunchSpec& spec, const QStringList& words) {
  if (spec.kind != LaunchSpec::Kind::Ssh) return failed(QStringLiteral("not a run over ssh"));
  LaunchCommand c = sshTo(spec);
  if (!c.error.isEmpty()) return c;
  QStringList line{QStringLiteral("exec"), quoteRemotePath(spec.remoteLongrl)};
  for (const QString& w : words) line << quoteRemotePath(w);
  c.arguments << line.join(' ');
  return c;
}

LaunchCommand LaunchCommand::tunnel(const LaunchSpec& spec, int localPort, int remotePort) {
  if (spec.kind != LaunchSpec::Kind::Ssh) return failed(QStringLiteral("not a run over ssh"));
  LaunchCommand c = sshTo(spec);
  if (!c.error.isEmpty()) return c;
  const int hostAt = int(c.arguments.size()) - 2;  // before "--" HOST
  c.arguments.insert(hostAt, QStringLiteral("-N"));
  c.arguments.insert(hostAt, QStringLiteral("127.0.0.1:%1:127.0.0.1:%2").arg(localPort).arg(remotePort));
  c.arguments.insert(hostAt, QStringLiteral("-L"));
  c.arguments.insert(hostAt, QStringLiteral("ExitOnForwardFailure=yes"));
  c.arguments.insert(hostAt, QStringLiteral("-o"));
  return c;
}

QString LaunchCommand::displayLine() const { return ShellWords::join(QStringList{program} + arguments); }

}  // namespace longrl::ui
