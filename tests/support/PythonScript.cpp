#include "support/PythonScript.h"

#include <sys/wait.h>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "support/TestPaths.h"

namespace longrl::test {
namespace {

std::string shellQuoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

PythonRun runPythonScript(const std::string& script, const std::vector<std::string>& args) {
  PythonRun run;
  if (!std::filesystem::exists("/usr/bin/python3")) {
    run.output = "/usr/bin/python3 not found";
    return run;
  }
  std::string cmd = "/usr/bin/python3 " + shellQuoted(sourcePath(script));
  for (const auto& a : args) cmd += " " + shellQuoted(a);
  cmd += " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return run;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) run.output += buf;
  const int status = pclose(p);
  run.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -2;
  return run;
}

std::vector<float> readFloat32(const std::string& path, size_t count) {
  std::vector<float> v(count);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(count * sizeof(float)));
  if (!in) return {};
  return v;
}

}  // namespace longrl::test
