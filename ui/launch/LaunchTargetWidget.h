#pragma once
#include <QWidget>

#include "core/config/RunConfig.h"
#include "ui/launch/LaunchSpec.h"

class QComboBox;
class QFormLayout;
class QLineEdit;
class QSpinBox;

namespace longrl::ui {

class FieldErrors;

// Where a run starts: this machine, an ssh host, or a launch template (srun ...), with the
// local run directory (the run itself, or the mirror of a remote run's events).
class LaunchTargetWidget : public QWidget {
  Q_OBJECT
 public:
  // Error labels for "launch.*" paths are registered in `errors`.
  LaunchTargetWidget(FieldErrors& errors, QWidget* parent = nullptr);

  // The spec without resume. The config's launch section (target, host, template, nproc) is
  // kept in step with it through applyTo()/setFrom().
  LaunchSpec spec() const;
  void setSpec(const LaunchSpec& spec);
  void applyTo(config::LaunchConfig& launch) const;
  void setFrom(const config::LaunchConfig& launch);
  // Issues the config cannot see: run directories, the trainer program, the template's words.
  std::vector<config::ConfigIssue> check() const;

 Q_SIGNALS:
  void edited();

 private:
  void updateVisibleRows();
  QLineEdit* addLine(const QString& label, const QString& path, const QString& placeholder = QString());

  FieldErrors& errors_;
  QFormLayout* form_;
  QComboBox* target_;
  QLineEdit *runDir_, *trainer_, *host_, *sshOptions_, *remoteLongrl_, *remoteRunDir_, *template_;
  QSpinBox *port_, *nproc_;
};

}  // namespace longrl::ui
