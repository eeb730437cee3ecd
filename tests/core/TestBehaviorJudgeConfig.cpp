// behavior.judge: off by default, read and written with the other keys, and checked (share in
// [0, 1]; with a share, a URL, a model and an API-key variable named like a key).
#include <QtTest/QtTest>

#include "core/config/RunConfig.h"

using longrl::config::ConfigIssue;
using longrl::config::RunConfig;
using nlohmann::json;

namespace {

bool hasIssue(const std::vector<ConfigIssue>& issues, const std::string& path, const std::string& fragment) {
  for (const auto& i : issues)
    if (i.path == path && i.message.find(fragment) != std::string::npos) return true;
  return false;
}

json withJudge(const json& judge) { return {{"behavior", {{"judge", judge}}}}; }

}  // namespace

class TestBehaviorJudgeConfig : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void offByDefault() {
    const RunConfig c;
    QCOMPARE(c.behavior.judge.share, 0.0);
    QVERIFY(c.validate().empty());
    QVERIFY(RunConfig::check(json::parse(R"({"behavior": {"judge": {"share": 0}}})")).empty());
  }

  void readAndWritten() {
    const RunConfig c = RunConfig::fromJson(withJudge({{"share", 0.25},
                                                       {"url", "http://judge:8000/v1"},
                                                       {"model", "qwen-judge"},
                                                       {"api_key_env", "JUDGE_TOKEN"},
                                                       {"timeout_ms", 5000},
                                                       {"max_concurrent", 4}}));
    QCOMPARE(c.behavior.judge.share, 0.25);
    QCOMPARE(c.behavior.judge.url, std::string("http://judge:8000/v1"));
    QCOMPARE(c.behavior.judge.model, std::string("qwen-judge"));
    QCOMPARE(c.behavior.judge.apiKeyEnv, std::string("JUDGE_TOKEN"));
    QCOMPARE(c.behavior.judge.timeoutMs, std::int64_t(5000));
    QCOMPARE(c.behavior.judge.maxConcurrent, std::int64_t(4));
    QVERIFY(c.behavior.rule);  // the rule-based classifier still runs beside it
    QVERIFY(RunConfig::fromJson(c.toJson()).toJson() == c.toJson());
  }

  void checked() {
    auto issues = RunConfig::check(withJudge({{"share", 1.5}}));
    QVERIFY(hasIssue(issues, "behavior.judge.share", "must be in [0, 1]"));
    issues = RunConfig::check(withJudge({{"share", 0.1}}));
    QVERIFY(hasIssue(issues, "behavior.judge.url", "http://"));
    QVERIFY(hasIssue(issues, "behavior.judge.model", "must not be empty"));
    json j = {{"share", 0.1}, {"url", "http://j/v1"}, {"model", "m"}, {"api_key_env", "HOME"}};
    issues = RunConfig::check(withJudge(j));
    QVERIFY(hasIssue(issues, "behavior.judge.api_key_env", "set behavior.judge.allow_any_key_env"));
    QVERIFY(hasIssue(issues, "behavior.judge.api_key_env", "http://j/v1"));
    j["allow_any_key_env"] = true;
    j["timeout_ms"] = 0;
    issues = RunConfig::check(withJudge(j));
    QCOMPARE(issues.size(), size_t(1));
    QVERIFY(hasIssue(issues, "behavior.judge.timeout_ms", "must be > 0"));
  }
};

QTEST_GUILESS_MAIN(TestBehaviorJudgeConfig)
#include "TestBehaviorJudgeConfig.moc"
