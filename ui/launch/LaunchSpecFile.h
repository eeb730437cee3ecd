#pragma once
#include <QString>

#include <optional>

#include "ui/launch/LaunchSpec.h"

namespace longrl::ui {

// Where a remote run lives, kept beside its local mirror (LOCAL/launch.json), so a studio that
// reopens the mirror later can still reach the run (to deliver labels, to resume). No secrets:
// ssh keys stay in ssh's own files.
class LaunchSpecFile {
 public:
  static constexpr const char* kFileName = "launch.json";

  // Writes spec's remote side into `localRunDir`; returns the error ("" when written).
  static QString save(const LaunchSpec& spec);
  // The spec saved in `localRunDir` (localRunDir set to it); nullopt when there is none. A file
  // that cannot be read or parsed sets `error` naming it.
  static std::optional<LaunchSpec> load(const QString& localRunDir, QString* error = nullptr);
};

}  // namespace longrl::ui
