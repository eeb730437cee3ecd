#pragma once
#include <QByteArray>
#include <QString>
#include <QStringList>

#include "ui/launch/LaunchSpec.h"

namespace longrl::ui {

// The process that starts a run: an argv list (never a local shell), the bytes to write on its
// stdin, and whether its stdout is an event stream to mirror into the local run store.
//
// Local:    TRAINER train --config LOCAL/config.json --run-dir LOCAL [--nproc N] [--resume]
// Ssh:      ssh -o BatchMode=yes -o ConnectTimeout=S [-p P] [-l U] OPTIONS HOST -- 'echo longrl-pid $$;
//           exec' LONGRL train --config - --run-dir DIR --events stdout ...   (remote words quoted;
//           the config is written to stdin, so the trainer must accept `--config -`)
// Template: the template's words with placeholders replaced by whole values. Where a shell will
//           read a value it is shell-quoted: every placeholder when the first word is `ssh` (the
//           config then goes on stdin, `--config -`), and a placeholder inside a larger word
//           (bash -lc 'cd {run_dir} && {command}'); a placeholder that is a whole word of a
//           template run without a shell is one argv entry as is, and {config} is the local file.
//           A remote path may start with ~/ only where a shell reads it; ~user/ is refused.
struct LaunchCommand {
  QString program;
  QStringList arguments;
  QByteArray stdinBytes;  // written then stdin is closed; empty: closed at once
  bool mirrorEvents = false;
  QString error;  // non-empty: the spec cannot be launched (the reason)

  // `configPath` is the local config file (LOCAL/config.json); `configJson` its content.
  static LaunchCommand build(const LaunchSpec& spec, const QString& configPath, const QByteArray& configJson);
  // The `longrl train ...` words (without a shell), as the remote/templated side gets them.
  static QStringList trainWords(const LaunchSpec& spec, const QString& longrl, const QString& config,
                                const QString& runDir, bool events);
  // Quotes a remote path for a shell; a leading "~/" becomes "$HOME"/, which the remote shell
  // expands wherever the path stands in a word (a quoted ~ would never expand).
  static QString quoteRemotePath(const QString& path);
  // The command that applies a batch of label changes (JSON lines on its stdin) to the run's own
  // store: `longrl annotate RUN_DIR --apply - --origin ORIGIN` over the spec's ssh, or, for a
  // template run, with `localLongrl` on its run directory when this machine sees it (a shared
  // filesystem). `error` says why not (a local run needs none).
  static LaunchCommand annotate(const LaunchSpec& spec, const QString& origin, const QString& localLongrl);
  // `ssh ... HOST -- exec longrl follow RUN_DIR`: an ssh run's store as an event stream, for a
  // studio that attaches to a run it did not start. Ssh specs only (`error` otherwise).
  static LaunchCommand follow(const LaunchSpec& spec);
  // `ssh ... HOST -- exec LONGRL WORDS...`: a longrl command on an ssh run's host (checkpoints,
  // eval, serve). Every word is quoted for the remote shell; one starting with ~/ is expanded
  // there. Ssh specs only (`error` otherwise).
  static LaunchCommand remoteLongrl(const LaunchSpec& spec, const QStringList& words);
  // `ssh -N -L 127.0.0.1:LOCAL:127.0.0.1:REMOTE ... HOST`: a port on the ssh run's host reachable
  // at this machine's 127.0.0.1:LOCAL while the process lives; a port that cannot be forwarded
  // ends it (ExitOnForwardFailure). Ssh specs only.
  static LaunchCommand tunnel(const LaunchSpec& spec, int localPort, int remotePort);
  // The full command as one displayable line (quoted), for messages.
  QString displayLine() const;
};

}  // namespace longrl::ui
