#pragma once
#include <QString>

#include "ui/launch/LaunchSpec.h"

namespace longrl::ui {

// What "Attach to run" is given: a local run directory, or `[user@]host:/path/to/run` as scp
// writes it (port and ssh options come separately). The mirror of a remote run goes to
// `mirrorRoot`/host-run unless one is given.
class AttachTarget {
 public:
  // Fills kind, host, user, remoteRunDir or localRunDir; returns the reason when `text` is not
  // a target ("" when it is).
  static QString parse(const QString& text, LaunchSpec& spec);
  // The default local mirror directory of a remote run.
  static QString defaultMirror(const LaunchSpec& spec, const QString& mirrorRoot);
};

}  // namespace longrl::ui
