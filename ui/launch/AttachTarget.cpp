#include "ui/launch/AttachTarget.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace longrl::ui {

QString AttachTarget::parse(const QString& text, LaunchSpec& spec) {
  const QString t = text.trimmed();
  if (t.isEmpty()) return QStringLiteral("give a run directory, or HOST:/path/to/run for a run on another machine");
  const int colon = t.indexOf(':');
  const int slash = t.indexOf('/');
  // scp's rule: a colon before any slash separates a host; otherwise it is a local path.
  if (colon < 0 || (slash >= 0 && slash < colon)) {
    spec.kind = LaunchSpec::Kind::Local;
    spec.localRunDir = QFileInfo(t).absoluteFilePath();
    return {};
  }
  QString host = t.left(colon);
  const QString path = t.mid(colon + 1);
  if (path.isEmpty()) return QStringLiteral("'%1': no run directory after the ':'").arg(t);
  if (const int at = host.lastIndexOf('@'); at >= 0) {
    spec.user = host.left(at);
    host = host.mid(at + 1);
  }
  static const QRegularExpression hostName(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]*$"));
  if (!hostName.match(host).hasMatch()) return QStringLiteral("'%1' is not a host name").arg(host);
  spec.kind = LaunchSpec::Kind::Ssh;
  spec.host = host;
  spec.remoteRunDir = path;
  return {};
}

QString AttachTarget::defaultMirror(const LaunchSpec& spec, const QString& mirrorRoot) {
  QString leaf = QFileInfo(spec.remoteRunDir).fileName();
  if (leaf.isEmpty()) leaf = QStringLiteral("run");
  return QDir(mirrorRoot).filePath(spec.host + QLatin1Char('-') + leaf);
}

}  // namespace longrl::ui
