// The config reference is generated from the one field list: every key documented, and the checked-in
// docs/CONFIG.md is the generator's current output.
#include <QtTest>

#include <regex>
#include <set>

#include "core/config/ConfigReference.h"
#include "core/config/RunConfig.h"
#include "support/TestPaths.h"

using namespace longrl;

class TestConfigReference : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void everyKeyIsDocumented();
  void rowsHaveMeaning();
  void docsFileIsCurrent();
};

namespace {

// Dotted paths of every leaf of a config's JSON (arrays of objects as "key[].field").
void leafPaths(const nlohmann::json& j, const std::string& prefix, std::set<std::string>& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string path = prefix + it.key();
    if (it->is_object()) leafPaths(*it, path + ".", out);
    else if (it->is_array() && !it->empty() && it->front().is_object()) leafPaths(it->front(), path + "[].", out);
    else out.insert(path);
  }
}

}  // namespace

void TestConfigReference::everyKeyIsDocumented() {
  const std::string md = config::ConfigReference::markdown();
  std::set<std::string> paths;
  leafPaths(config::RunConfig().toJson(), "", paths);
  QVERIFY(paths.size() > 60);
  for (const auto& p : paths)
    QVERIFY2(md.find("| `" + p + "` |") != std::string::npos, ("not in the reference: " + p).c_str());
}

void TestConfigReference::rowsHaveMeaning() {
  const std::string md = config::ConfigReference::markdown();
  const std::regex row(R"(^\| `([^`]+)` \| ([^|]+) \| ([^|]*) \| (.*) \|$)");
  int rows = 0;
  for (size_t b = 0, e; b < md.size(); b = e + 1) {
    e = md.find('\n', b);
    if (e == std::string::npos) e = md.size();
    const std::string line = md.substr(b, e - b);
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    ++rows;
    QVERIFY2(m[4].length() > 3, ("no meaning: " + line).c_str());
  }
  QVERIFY(rows > 60);
  QVERIFY(md.find("| `grpo.clip_ratio_high` | number | `0.2` |") != std::string::npos);
  QVERIFY(md.find("| `grpo.loss_agg_mode` | one of 'token-mean', 'seq-mean-token-mean' or 'seq-mean-token-sum' | "
                  "`\"token-mean\"` |") != std::string::npos);
}

void TestConfigReference::docsFileIsCurrent() {
  const std::string onDisk = test::fileBytes(test::sourcePath("docs/CONFIG.md"));
  QVERIFY2(!onDisk.empty(), "docs/CONFIG.md is missing");
  QVERIFY2(onDisk == config::ConfigReference::markdown(),
           "docs/CONFIG.md is out of date: regenerate it with `build/bin/longrl config-reference > docs/CONFIG.md`");
}

QTEST_GUILESS_MAIN(TestConfigReference)
#include "TestConfigReference.moc"
