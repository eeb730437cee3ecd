// config.json's rope_scaling: inv_freq, cos and sin of RotaryEmbedding for default, linear, dynamic
// NTK and YaRN configs at positions inside and beyond the original window, against an independent
// reference (tests/trainer/rope_reference.py, the formulas of transformers' modeling_rope_utils.py
// in plain torch under /usr/bin/python3); reading, writing and refusing rope_scaling.
#include <QtTest/QtTest>

#include <cmath>

#include "support/PythonScript.h"
#include "support/TestPaths.h"
#include "trainer/model/QwenConfig.h"
#include "trainer/model/RopeScaling.h"
#include "trainer/model/RotaryEmbedding.h"
#include "trainer/model/TorchThreads.h"

using namespace longrl::model;
using nlohmann::json;

namespace {

// Tolerances. inv_freq: both sides compute it in float32 with the same operations, so only the
// order of rounding may differ. cos/sin: the angle pos * inv_freq is a float32 product, so an
// inv_freq that differs in its last bit moves the angle by up to pos * 2^-23 * inv_freq; the bound
// allows a few of those bits at the largest position compared, plus float32 cos/sin rounding.
constexpr double kInvFreqRel = 1e-6;
double cosSinTolerance(double maxAngle) { return 1e-6 + 4.0 * maxAngle * std::ldexp(1.0, -24); }

json configWith(int64_t headDim, double theta, int64_t window, const json& ropeScaling) {
  return {{"head_dim", headDim},
          {"rope_theta", theta},
          {"max_position_embeddings", window},
          {"rope_scaling", ropeScaling}};
}

std::string joined(const std::vector<int64_t>& v) {
  std::string s;
  for (auto x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}

}  // namespace

class TestRopeScaling : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { applyTorchThreads(1); }
  void valuesMatchReference_data();
  void valuesMatchReference();
  void dynamicDependsOnLengthOnly();
  void readsAndWritesConfig();
  void refusesBadRopeScaling_data();
  void refusesBadRopeScaling();
};

void TestRopeScaling::valuesMatchReference_data() {
  QTest::addColumn<QString>("config");
  QTest::addColumn<QString>("positions");
  const json yarnQwen3 = {{"rope_type", "yarn"}, {"factor", 4.0}, {"original_max_position_embeddings", 32768}};
  const json yarnQwen25 = {{"type", "yarn"}, {"factor", 4.0}, {"original_max_position_embeddings", 32768}};
  const json yarnDeepSeek = {{"type", "yarn"},
                             {"factor", 40.0},
                             {"mscale", 0.707},
                             {"mscale_all_dim", 1.0},
                             {"beta_fast", 32},
                             {"beta_slow", 1},
                             {"original_max_position_embeddings", 4096}};
  const json yarnGptOss = {{"rope_type", "yarn"}, {"factor", 32.0},    {"beta_fast", 32.0},
                           {"beta_slow", 1.0},    {"truncate", false}, {"original_max_position_embeddings", 4096}};
  const json yarnExplicit = {{"rope_type", "yarn"}, {"factor", 8.0},  {"attention_factor", 0.9},
                             {"beta_fast", 16},     {"beta_slow", 2}, {"original_max_position_embeddings", 256}};
  const json yarnTiny = {{"rope_type", "yarn"}, {"factor", 4.0}, {"original_max_position_embeddings", 256}};
  const json yarnNoWindow = {{"rope_type", "yarn"}, {"factor", 4.0}};  // window = max_position_embeddings
  const json linear = {{"rope_type", "linear"}, {"factor", 2.0}};
  const json dynamic = {{"rope_type", "dynamic"}, {"factor", 2.0}};
  const json dynamicQwen = {{"type", "dynamic"}, {"factor", 4.0}};
  auto row = [](const char* name, const json& cfg, const std::vector<int64_t>& pos) {
    QTest::newRow(name) << QString::fromStdString(cfg.dump()) << QString::fromStdString(joined(pos));
  };
  row("default d16", configWith(16, 1e6, 256, nullptr), {0, 1, 255, 256, 1000});
  row("linear x2 d16", configWith(16, 10000, 256, linear), {0, 1, 255, 256, 700});
  row("yarn qwen3 d128 past 32K", configWith(128, 1e6, 131072, yarnQwen3), {0, 5, 32767, 32768, 65000, 131071});
  row("yarn qwen2.5 legacy type", configWith(128, 1e6, 32768, yarnQwen25), {0, 100, 32768, 100000, 131071});
  row("yarn tiny d16 window 256", configWith(16, 1e6, 1024, yarnTiny), {0, 1, 255, 256, 300, 1023});
  row("yarn mscale ratio (deepseek)", configWith(64, 10000, 163840, yarnDeepSeek), {0, 4095, 4096, 100000, 163839});
  row("yarn truncate false (gpt-oss)", configWith(64, 150000, 131072, yarnGptOss), {0, 4096, 131071});
  row("yarn attention_factor, betas", configWith(32, 10000, 2048, yarnExplicit), {0, 255, 256, 2047});
  row("yarn window from max_position", configWith(16, 10000, 512, yarnNoWindow), {0, 511, 2000});
  row("dynamic below window", configWith(16, 10000, 256, dynamic), {0, 1, 100, 199});
  row("dynamic at window", configWith(16, 10000, 256, dynamic), {0, 255});
  row("dynamic above window", configWith(16, 10000, 256, dynamic), {0, 7, 255, 256, 999});
  row("dynamic qwen d128 60K", configWith(128, 1e6, 32768, dynamicQwen), {0, 32768, 60000});
}

void TestRopeScaling::valuesMatchReference() {
  QFETCH(QString, config);
  QFETCH(QString, positions);
  const json cfg = json::parse(config.toStdString());
  const std::string out = longrl::test::freshTempDir("rope-ref") + "/values.f32";
  const auto run =
      longrl::test::runPythonScript("tests/trainer/rope_reference.py", {cfg.dump(), positions.toStdString(), out});
  if (run.skipped()) QSKIP(run.output.c_str());
  QVERIFY2(run.rc == 0, run.output.c_str());
  std::vector<int64_t> pos;
  for (const auto& p : positions.split(',')) pos.push_back(p.toLongLong());
  const auto T = static_cast<int64_t>(pos.size());
  const int64_t d = cfg["head_dim"];
  const auto ref = longrl::test::readFloat32(out, static_cast<size_t>(d / 2 + 2 * T * d));
  QVERIFY(!ref.empty());
  auto refAll = torch::tensor(ref);
  auto refInv = refAll.narrow(0, 0, d / 2);
  auto refCos = refAll.narrow(0, d / 2, T * d).view({T, d});
  auto refSin = refAll.narrow(0, d / 2 + T * d, T * d).view({T, d});

  const auto scaling = RopeScaling::fromJson(cfg["rope_scaling"], "test config");
  RotaryEmbedding rope(d, cfg["rope_theta"].get<double>(), scaling, cfg["max_position_embeddings"].get<int64_t>());
  const auto posTensor = torch::tensor(pos, torch::kInt64).unsqueeze(0);  // [1, T]
  auto [cos, sin] = rope.cosSin(posTensor, torch::kFloat32);
  cos = cos.view({T, d});
  sin = sin.view({T, d});
  const auto inv = rope.invFreq(pos.back() + 1);  // positions are ascending: the last is the furthest

  const double invRel = ((inv - refInv).abs() / refInv.abs()).max().item<double>();
  const double cosErr = (cos - refCos).abs().max().item<double>();
  const double sinErr = (sin - refSin).abs().max().item<double>();
  const double maxAngle = static_cast<double>(pos.back()) * inv.max().item<double>();
  const double tol = cosSinTolerance(maxAngle);
  qInfo("%s: inv_freq max rel err %.3g, cos %.3g, sin %.3g (tolerance %.3g), attention %.6f", QTest::currentDataTag(),
        invRel, cosErr, sinErr, tol, rope.attentionScaling());
  QVERIFY2(invRel < kInvFreqRel, qPrintable(QString("inv_freq rel err %1").arg(invRel)));
  QVERIFY2(cosErr < tol && sinErr < tol, qPrintable(QString("cos %1 sin %2 > %3").arg(cosErr).arg(sinErr).arg(tol)));
  const auto printed = QString::fromStdString(run.output).section("attention_scaling ", 1).trimmed().toDouble();
  QVERIFY2(std::abs(rope.attentionScaling() - printed) < 1e-12,
           qPrintable(QString("attention %1 vs %2").arg(rope.attentionScaling()).arg(printed)));
  // The comparison can fail: a scaled type moves the frequencies away from the plain ones.
  const RotaryEmbedding plain(d, cfg["rope_theta"].get<double>());
  const double moved = ((plain.invFreq(0) - refInv).abs() / refInv).max().item<double>();
  const bool scaled = scaling.enabled() && !(scaling.type == RopeScaling::Type::Dynamic &&
                                             pos.back() + 1 <= cfg["max_position_embeddings"].get<int64_t>());
  if (scaled) QVERIFY2(moved > 0.1, qPrintable(QString("scaled frequencies within %1 of plain").arg(moved)));
  else QVERIFY2(moved < kInvFreqRel, qPrintable(QString("unscaled frequencies %1 from plain").arg(moved)));
}

void TestRopeScaling::dynamicDependsOnLengthOnly() {
  const auto s = RopeScaling::fromJson({{"rope_type", "dynamic"}, {"factor", 2.0}}, "c");
  RotaryEmbedding rope(16, 10000, s, 256);
  // Within the window: the plain frequencies; past it each length has its own.
  QVERIFY(torch::equal(rope.invFreq(1), rope.invFreq(256)));
  QVERIFY(!torch::allclose(rope.invFreq(256), rope.invFreq(257)));
  QVERIFY(!torch::allclose(rope.invFreq(300), rope.invFreq(400)));
  // The highest frequency never changes (base^0); lower ones only slow down with length.
  QCOMPARE(rope.invFreq(1000)[0].item<float>(), 1.0f);
  QVERIFY((rope.invFreq(1000) <= rope.invFreq(300)).all().item<bool>());
  // A forward's length comes from its furthest real token, or from the caller.
  auto pos = torch::arange(0, 300, torch::kInt64).unsqueeze(0);
  auto mask = torch::ones({1, 300}, torch::kBool);
  mask.narrow(1, 200, 100).fill_(false);  // trailing padding: length 200, inside the window
  auto [cosMasked, sinMasked] = rope.cosSin(pos, torch::kFloat32, mask);
  auto [cosPlain, sinPlain] = RotaryEmbedding(16, 10000).cosSin(pos, torch::kFloat32);
  QVERIFY(torch::equal(cosMasked, cosPlain));
  auto [cosLong, sinLong] = rope.cosSin(pos.narrow(1, 0, 10), torch::kFloat32, {}, 1000);
  auto [cos1000, sin1000] = rope.cosSin(torch::arange(0, 1000, torch::kInt64).unsqueeze(0), torch::kFloat32);
  QVERIFY(torch::equal(cosLong, cos1000.narrow(2, 0, 10)));
}

void TestRopeScaling::readsAndWritesConfig() {
  QwenConfig c;
  c.maxPositionEmbeddings = 1024;
  json j = c.toJson();
  QVERIFY(j["rope_scaling"].is_null());
  j["rope_scaling"] = {{"type", "yarn"},    {"factor", 4},      {"original_max_position_embeddings", 256},
                       {"beta_fast", 16},   {"mscale", 0.5},    {"mscale_all_dim", 1.0},
                       {"truncate", false}, {"finetuned", true}};
  const auto yarn = QwenConfig::fromJson(j);
  QCOMPARE(yarn.ropeScaling.typeName(), std::string("yarn"));
  QCOMPARE(yarn.ropeScaling.factor, 4.0);
  QCOMPARE(*yarn.ropeScaling.originalMaxPositionEmbeddings, int64_t(256));
  QCOMPARE(yarn.ropeScaling.betaFast, 16.0);
  QCOMPARE(yarn.ropeScaling.betaSlow, 1.0);
  QCOMPARE(yarn.ropeScaling.truncate, false);
  // Round trip: what toJson writes reads back the same, with transformers' two type keys.
  const json written = yarn.toJson();
  QCOMPARE(written["rope_scaling"]["rope_type"].get<std::string>(), std::string("yarn"));
  QCOMPARE(written["rope_scaling"]["type"].get<std::string>(), std::string("yarn"));
  QVERIFY(QwenConfig::fromJson(written).toJson() == written);
  const auto again = QwenConfig::fromJson(written).ropeScaling;
  QCOMPARE(again.mscale.value(), 0.5);
  QCOMPARE(again.mscaleAllDim.value(), 1.0);
  QCOMPARE(again.truncate, false);
  QVERIFY(!again.attentionFactor.has_value());
  for (const char* type : {"linear", "dynamic"}) {
    j["rope_scaling"] = {{"rope_type", type}, {"factor", 2.5}};
    const auto c2 = QwenConfig::fromJson(j);
    QCOMPARE(c2.ropeScaling.typeName(), std::string(type));
    QVERIFY(QwenConfig::fromJson(c2.toJson()).toJson() == c2.toJson());
  }
  // "default" and null are no scaling.
  j["rope_scaling"] = {{"rope_type", "default"}};
  QVERIFY(!QwenConfig::fromJson(j).ropeScaling.enabled());
  QVERIFY(QwenConfig::fromJson(j).toJson()["rope_scaling"].is_null());
  // The context a server allows: Qwen2.5 keeps max_position_embeddings at the original window.
  const auto qwen25 =
      RopeScaling::fromJson({{"type", "yarn"}, {"factor", 4.0}, {"original_max_position_embeddings", 32768}}, "c");
  QCOMPARE(qwen25.contextLength(32768), int64_t(131072));
  QCOMPARE(qwen25.contextLength(40960), int64_t(131072));
  QCOMPARE(RopeScaling().contextLength(4096), int64_t(4096));
  QCOMPARE(RopeScaling::fromJson({{"rope_type", "linear"}, {"factor", 2.0}}, "c").contextLength(4096), int64_t(8192));
  // rope_type wins over the legacy type, as in transformers.
  j["rope_scaling"] = {{"rope_type", "linear"}, {"type", "yarn"}, {"factor", 2.0}};
  QCOMPARE(QwenConfig::fromJson(j).ropeScaling.typeName(), std::string("linear"));
}

void TestRopeScaling::refusesBadRopeScaling_data() {
  QTest::addColumn<QString>("ropeScaling");
  QTest::addColumn<QString>("expected");
  auto row = [](const char* name, const json& rs, const char* expected) {
    QTest::newRow(name) << QString::fromStdString(rs.dump()) << expected;
  };
  row("longrope", {{"rope_type", "longrope"}, {"factor", 4.0}},
      "rope_scaling.rope_type 'longrope' is not supported (supported: default, linear, dynamic, yarn)");
  row("llama3", {{"rope_type", "llama3"}, {"factor", 8.0}}, "'llama3' is not supported");
  row("su (legacy type)", {{"type", "su"}}, "rope_scaling.rope_type 'su' is not supported");
  row("no type", {{"factor", 4.0}}, "rope_scaling.rope_type is missing");
  row("type not a string", {{"rope_type", 4}}, "rope_scaling.rope_type must be a string");
  row("not an object", json::array({1, 2}), "rope_scaling must be an object or null");
  row("no factor", {{"rope_type", "yarn"}}, "rope_scaling.factor is missing (rope_type 'yarn' needs it)");
  row("factor below 1", {{"rope_type", "linear"}, {"factor", 0.5}}, "rope_scaling.factor must be >= 1, got 0.5");
  row("factor a string", {{"rope_type", "dynamic"}, {"factor", "4"}}, "rope_scaling.factor must be a number");
  row("window not integer", {{"rope_type", "yarn"}, {"factor", 4.0}, {"original_max_position_embeddings", 1.5}},
      "rope_scaling.original_max_position_embeddings must be a positive integer");
  row("window zero", {{"rope_type", "yarn"}, {"factor", 4.0}, {"original_max_position_embeddings", 0}},
      "original_max_position_embeddings must be a positive integer");
  row("beta_fast not above beta_slow", {{"rope_type", "yarn"}, {"factor", 4.0}, {"beta_fast", 1}, {"beta_slow", 2}},
      "rope_scaling.beta_fast (1.0) must be larger than rope_scaling.beta_slow (2.0)");
  row("beta_slow negative", {{"rope_type", "yarn"}, {"factor", 4.0}, {"beta_slow", -1}},
      "rope_scaling.beta_slow must be > 0");
  row("attention_factor zero", {{"rope_type", "yarn"}, {"factor", 4.0}, {"attention_factor", 0}},
      "rope_scaling.attention_factor must be > 0");
  row("truncate a string", {{"rope_type", "yarn"}, {"factor", 4.0}, {"truncate", "no"}},
      "rope_scaling.truncate must be true or false");
}

void TestRopeScaling::refusesBadRopeScaling() {
  QFETCH(QString, ropeScaling);
  QFETCH(QString, expected);
  json j = QwenConfig().toJson();
  j["rope_scaling"] = json::parse(ropeScaling.toStdString());
  try {
    QwenConfig::fromJson(j, "m/config.json");
    QFAIL("no error");
  } catch (const ModelConfigError& e) {
    const QString what = e.what();
    QVERIFY2(what.startsWith("m/config.json: ") && what.contains(expected), e.what());
  }
}

QTEST_APPLESS_MAIN(TestRopeScaling)
#include "TestRopeScaling.moc"
