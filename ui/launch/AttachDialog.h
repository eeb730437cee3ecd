#pragma once
#include <QDialog>

#include "ui/launch/LaunchSpec.h"

class QLabel;
class QLineEdit;
class QSpinBox;

namespace longrl::ui {

// File > Attach to run: a run this studio did not start, here (a directory) or on another machine
// over ssh (HOST:/path, with port, ssh options and the remote longrl), and the local mirror.
class AttachDialog : public QDialog {
  Q_OBJECT
 public:
  explicit AttachDialog(const QString& mirrorRoot, QWidget* parent = nullptr);

  // The target as entered; `error` empty when it can be attached to.
  LaunchSpec spec(QString* error = nullptr) const;
  QLineEdit* targetEdit() const { return target_; }

 private:
  void updateState();

  QString mirrorRoot_;
  QLineEdit *target_, *sshOptions_, *remoteLongrl_, *mirror_;
  QSpinBox* port_;
  QLabel* error_;
  QWidget* remoteRows_[4];
};

}  // namespace longrl::ui
