// safetensors: bit-identical round trips, sharded directories, and clear errors for bad files.
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/TestPaths.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/safetensors/SafetensorsError.h"
#include "trainer/safetensors/SafetensorsHeader.h"
#include "trainer/safetensors/SafetensorsReader.h"
#include "trainer/safetensors/SafetensorsWriter.h"
#include "trainer/safetensors/ShardedCheckpoint.h"

using namespace longrl::safetensors;
namespace fs = std::filesystem;

namespace {

// Writes a file by hand: length, header text, `dataBytes` zero bytes.
void writeRaw(const std::string& path, const std::string& header, size_t dataBytes, uint64_t lengthOverride = 0) {
  std::ofstream out(path, std::ios::binary);
  uint64_t n = lengthOverride ? lengthOverride : header.size();
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((n >> (8 * i)) & 0xff));
  out << header;
  out << std::string(dataBytes, '\0');
}

// The error message of `fn`, or a failure marker.
template <typename F> std::string errorOf(F fn) {
  try {
    fn();
  } catch (const SafetensorsError& e) {
    return e.what();
  }
  return "<no SafetensorsError>";
}

#define EXPECT_ERROR(expr, ...)                                                               \
  do {                                                                                        \
    const QString msg = QString::fromStdString(errorOf([&] { expr; }));                       \
    for (const char* part : {__VA_ARGS__})                                                    \
      QVERIFY2(msg.contains(QLatin1String(part)), qPrintable("'" + msg + "' lacks " + part)); \
  } while (0)

bool bitEqual(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
  auto ca = a.contiguous(), cb = b.contiguous();
  return std::memcmp(ca.data_ptr(), cb.data_ptr(), ca.numel() * ca.element_size()) == 0;
}

NamedTensors sample(torch::Dtype dtype) {
  torch::manual_seed(1);
  return {{"a.weight", torch::randn({3, 5}).to(dtype)},
          {"b", torch::randn({7}).to(dtype)},
          {"scalar", torch::randn({}).to(dtype)},
          {"empty", torch::empty({0, 4}).to(dtype)},
          {"c.bias", torch::randn({2, 3, 4}).to(dtype)}};
}

}  // namespace

class TestSafetensors : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void roundTripIsBitIdentical_data();
  void roundTripIsBitIdentical();
  void headerIsAlignedAndHasFormat();
  void convertsDtypeOnLoad();
  void shardedSaveAndLoad();
  void modelRoundTripThroughShards();
  void badFiles();
  void hostileHeaders();
  void modelLoadNamesMissingAndMisshapedTensors();
};

void TestSafetensors::roundTripIsBitIdentical_data() {
  QTest::addColumn<int>("dtype");
  QTest::newRow("f32") << int(torch::kFloat32);
  QTest::newRow("bf16") << int(torch::kBFloat16);
  QTest::newRow("f16") << int(torch::kFloat16);
}

void TestSafetensors::roundTripIsBitIdentical() {
  QFETCH(int, dtype);
  const auto tensors = sample(static_cast<torch::Dtype>(dtype));
  const std::string path = longrl::test::freshTempDir("st-rt") + "/x.safetensors";
  SafetensorsWriter::write(path, tensors);
  SafetensorsReader reader(path);
  QCOMPARE(reader.header().tensors().size(), tensors.size());
  for (const auto& [name, t] : tensors) {
    auto back = reader.load(name);
    QVERIFY2(bitEqual(back, t), name.c_str());
  }
  // Writing what was read gives the same file, byte for byte.
  const std::string again = path + ".2";
  SafetensorsWriter::write(again, reader.loadAll());
  QVERIFY(longrl::test::fileBytes(path) == longrl::test::fileBytes(again));
}

void TestSafetensors::headerIsAlignedAndHasFormat() {
  const std::string path = longrl::test::freshTempDir("st-hdr") + "/x.safetensors";
  SafetensorsWriter::write(path, sample(torch::kFloat32));
  auto h = SafetensorsHeader::read(path);
  QCOMPARE(h.dataOffset() % 8, uint64_t(0));
  QCOMPARE(h.metadata().at("format"), std::string("pt"));
  QCOMPARE(h.at("a.weight").dtype, std::string("F32"));
  QCOMPARE(h.at("a.weight").shape, (std::vector<int64_t>{3, 5}));
  QCOMPARE(h.at("a.weight").end - h.at("a.weight").begin, uint64_t(60));
}

void TestSafetensors::convertsDtypeOnLoad() {
  const std::string path = longrl::test::freshTempDir("st-conv") + "/x.safetensors";
  auto src = torch::tensor({1.5f, -2.25f, 3.0f}).to(torch::kBFloat16);
  SafetensorsWriter::write(path, {{"w", src}});
  SafetensorsReader reader(path);
  auto f32 = reader.load("w", torch::kFloat32);
  QCOMPARE(f32.scalar_type(), torch::kFloat32);
  QVERIFY(torch::equal(f32, torch::tensor({1.5f, -2.25f, 3.0f})));
  QCOMPARE(reader.load("w", torch::kFloat16).scalar_type(), torch::kFloat16);
  SafetensorsWriter::write(path, {{"i", torch::tensor({1, 2}, torch::kInt64)}});
  EXPECT_ERROR(SafetensorsReader(path).load("i", torch::kFloat32), "x.safetensors", "'i'", "convert");
}

void TestSafetensors::shardedSaveAndLoad() {
  const std::string dir = longrl::test::freshTempDir("st-shard");
  torch::manual_seed(2);
  NamedTensors tensors;
  for (int i = 0; i < 5; ++i) tensors.emplace_back("t" + std::to_string(i), torch::randn({10, 10}));  // 400 B each
  auto files = ShardedCheckpoint::save(dir, tensors, 900);                                            // 2 per shard
  QCOMPARE(files.size(), size_t(4));
  QCOMPARE(files[0], std::string("model-00001-of-00003.safetensors"));
  QCOMPARE(files.back(), std::string("model.safetensors.index.json"));
  QVERIFY(!fs::exists(dir + "/model.safetensors"));
  std::ifstream in(dir + "/model.safetensors.index.json");
  auto index = nlohmann::json::parse(in);
  QCOMPARE(index["metadata"]["total_size"].get<uint64_t>(), uint64_t(2000));
  QCOMPARE(index["weight_map"]["t4"].get<std::string>(), std::string("model-00003-of-00003.safetensors"));
  auto ckpt = ShardedCheckpoint::open(dir);
  for (const auto& [name, t] : tensors) QVERIFY(bitEqual(ckpt.load(name), t));
  // A later unsharded save replaces the shards.
  ShardedCheckpoint::save(dir, tensors);
  QVERIFY(fs::exists(dir + "/model.safetensors"));
  QVERIFY(!fs::exists(dir + "/model-00001-of-00003.safetensors"));
  // An index pointing at a tensor its shard lacks is named.
  ShardedCheckpoint::save(dir, tensors, 900);
  index["weight_map"]["ghost"] = "model-00002-of-00003.safetensors";
  std::ofstream(dir + "/model.safetensors.index.json") << index.dump();
  EXPECT_ERROR(ShardedCheckpoint::open(dir), "model-00002-of-00003.safetensors", "'ghost'");
}

void TestSafetensors::modelRoundTripThroughShards() {
  longrl::model::QwenConfig c;  // defaults: a tiny qwen3
  longrl::model::QwenForCausalLM m(c);
  m->initWeights(5);
  m->to(torch::kBFloat16);
  const std::string dir = longrl::test::freshTempDir("st-model");
  longrl::model::QwenPretrained::save(m, dir, 20000);
  QVERIFY(fs::exists(dir + "/model.safetensors.index.json"));
  QVERIFY(fs::exists(dir + "/config.json") && fs::exists(dir + "/generation_config.json"));
  auto back = longrl::model::QwenPretrained::load(dir);  // dtype from config.json: bfloat16
  auto a = m->hfParameters(), b = back->hfParameters();
  QCOMPARE(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    QCOMPARE(a[i].first, b[i].first);
    QVERIFY2(bitEqual(a[i].second, b[i].second), a[i].first.c_str());
  }
}

void TestSafetensors::badFiles() {
  const std::string dir = longrl::test::freshTempDir("st-bad");
  const std::string good = dir + "/good.safetensors";
  SafetensorsWriter::write(good, {{"first", torch::ones({4})}, {"second", torch::ones({2, 2})}});
  std::string bytes = longrl::test::fileBytes(good);

  const std::string truncated = dir + "/truncated.safetensors";
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() - 5);
  EXPECT_ERROR(SafetensorsHeader::read(truncated), "truncated.safetensors", "'second'", "past the end");
  EXPECT_ERROR(SafetensorsReader{truncated}, "truncated.safetensors", "'second'");

  const std::string tiny = dir + "/tiny.safetensors";
  std::ofstream(tiny, std::ios::binary) << "abc";
  EXPECT_ERROR(SafetensorsHeader::read(tiny), "tiny.safetensors", "too short");

  const std::string huge = dir + "/huge.safetensors";
  writeRaw(huge, "{}", 0, 1ull << 40);
  EXPECT_ERROR(SafetensorsHeader::read(huge), "huge.safetensors", "header length");
  const std::string longer = dir + "/longer.safetensors";
  writeRaw(longer, "{}", 0, 4096);
  EXPECT_ERROR(SafetensorsHeader::read(longer), "longer.safetensors", "exceeds the file size");

  const std::string badJson = dir + "/badjson.safetensors";
  writeRaw(badJson, "{\"a\": [", 0);
  EXPECT_ERROR(SafetensorsHeader::read(badJson), "badjson.safetensors", "not valid JSON");

  const std::string overlap = dir + "/overlap.safetensors";
  writeRaw(
      overlap,
      R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
      12);
  EXPECT_ERROR(SafetensorsHeader::read(overlap), "overlap.safetensors", "'y'", "overlaps", "'x'");

  const std::string past = dir + "/past.safetensors";
  writeRaw(past, R"({"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8);
  EXPECT_ERROR(SafetensorsHeader::read(past), "past.safetensors", "'x'", "past the end");

  const std::string shape = dir + "/shape.safetensors";
  writeRaw(shape, R"({"x":{"dtype":"F16","shape":[3,3],"data_offsets":[0,16]}})", 16);
  EXPECT_ERROR(SafetensorsHeader::read(shape), "shape.safetensors", "'x'", "[3,3]", "18 bytes");

  const std::string dtype = dir + "/dtype.safetensors";
  writeRaw(dtype, R"({"x":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}})", 1);
  EXPECT_ERROR(SafetensorsHeader::read(dtype), "dtype.safetensors", "'x'", "unknown dtype 'Q4'");

  const std::string hole = dir + "/hole.safetensors";
  writeRaw(hole, R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8);
  EXPECT_ERROR(SafetensorsHeader::read(hole), "hole.safetensors", "'x'", "hole");

  EXPECT_ERROR(SafetensorsReader(good).load("third"), "good.safetensors", "missing tensor 'third'");
  EXPECT_ERROR(ShardedCheckpoint::open(dir + "/nowhere"), "nowhere", "model.safetensors");
}

// Headers written to break a reader: sizes that wrap around 2^64, offsets at the end of the
// address space, nesting deep enough to overflow a recursive copy, numbers JSON cannot hold.
void TestSafetensors::hostileHeaders() {
  const std::string dir = longrl::test::freshTempDir("st-hostile");
  auto file = [&](const std::string& name, const std::string& header, size_t dataBytes) {
    const std::string path = dir + "/" + name + ".safetensors";
    writeRaw(path, header, dataBytes);
    return path;
  };
  // 2^62 F32 elements are 2^64 bytes, which wraps to 0 and would match data_offsets [0,0].
  EXPECT_ERROR(SafetensorsHeader::read(
                   file("wrap", R"({"x":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,0]}})", 0)),
               "wrap.safetensors", "'x'", "overflows");
  EXPECT_ERROR(SafetensorsReader{dir + "/wrap.safetensors"}, "wrap.safetensors", "overflows");
  EXPECT_ERROR(SafetensorsHeader::read(
                   file("bigdim", R"({"x":{"dtype":"U8","shape":[9223372036854775808,0],"data_offsets":[0,0]}})", 0)),
               "bigdim.safetensors", "'x'", "too large");
  EXPECT_ERROR(SafetensorsHeader::read(file("negdim", R"({"x":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}})", 0)),
               "negdim.safetensors", "'x'", "non-negative");
  EXPECT_ERROR(
      SafetensorsHeader::read(
          file("farend",
               R"({"x":{"dtype":"U8","shape":[0],"data_offsets":[18446744073709551615,18446744073709551615]}})", 4)),
      "farend.safetensors", "'x'", "past the end");
  EXPECT_ERROR(SafetensorsHeader::read(
                   file("backwards", R"({"x":{"dtype":"U8","shape":[4],"data_offsets":[8,4]}})", 8)),
               "backwards.safetensors", "'x'", "end < begin");
  EXPECT_ERROR(SafetensorsHeader::read(file("negoff", R"({"x":{"dtype":"U8","shape":[4],"data_offsets":[-4,0]}})", 8)),
               "negoff.safetensors", "'x'", "data_offsets");
  // Three tensors, the last overlapping the first two.
  EXPECT_ERROR(SafetensorsHeader::read(file("overlap3",
                                            R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
                                            R"("b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]},)"
                                            R"("c":{"dtype":"U8","shape":[6],"data_offsets":[2,8]}})",
                                            8)),
               "overlap3.safetensors", "overlaps");
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_ERROR(SafetensorsHeader::read(
                   file("deep", R"({"x":{"dtype":"U8","shape":[1],"data_offsets":)" + deep + "}}", 1)),
               "deep.safetensors", "'x'", "data_offsets");
  EXPECT_ERROR(SafetensorsHeader::read(file("deepmeta", R"({"__metadata__":{"k":)" + deep + "}}", 0)),
               "deepmeta.safetensors", "__metadata__");
  EXPECT_ERROR(SafetensorsHeader::read(file("inf", R"({"x":{"dtype":"U8","shape":[1e999],"data_offsets":[0,1]}})", 1)),
               "inf.safetensors", "not valid JSON");
  EXPECT_ERROR(SafetensorsHeader::read(file("array", "[]", 0)), "array.safetensors", "not a JSON object");
  EXPECT_ERROR(SafetensorsHeader::read(file("entry", R"({"x":[1,2]})", 0)), "entry.safetensors", "'x'",
               "not an object");
  EXPECT_ERROR(SafetensorsHeader::read(file("nodtype", R"({"x":{"shape":[1],"data_offsets":[0,1]}})", 1)),
               "nodtype.safetensors", "'x'", "dtype");
  // A sharded index that is not JSON, or names a file outside its directory.
  const std::string sharded = longrl::test::freshTempDir("st-hostile-index");
  std::ofstream(sharded + "/model.safetensors.index.json") << R"({"weight_map": {"x": 1e999}})";
  EXPECT_ERROR(ShardedCheckpoint::open(sharded), "model.safetensors.index.json", "not valid JSON");
  std::ofstream(sharded + "/model.safetensors.index.json", std::ios::trunc)
      << R"({"weight_map": {"x": "../../etc/passwd"}})";
  EXPECT_ERROR(ShardedCheckpoint::open(sharded), "model.safetensors.index.json", "outside the directory");
}

void TestSafetensors::modelLoadNamesMissingAndMisshapedTensors() {
  longrl::model::QwenConfig c;
  longrl::model::QwenForCausalLM m(c);
  m->initWeights(1);
  const std::string dir = longrl::test::freshTempDir("st-model-bad");
  longrl::model::QwenPretrained::save(m, dir);
  // Drop one tensor.
  auto params = m->hfParameters();
  NamedTensors without;
  for (const auto& p : params)
    if (p.first != "model.layers.1.mlp.up_proj.weight") without.push_back(p);
  SafetensorsWriter::write(dir + "/model.safetensors", without);
  EXPECT_ERROR(longrl::model::QwenPretrained::load(dir), "model.safetensors", "model.layers.1.mlp.up_proj.weight");
  // Mis-shape one.
  NamedTensors wrong(params.begin(), params.end());
  for (auto& p : wrong)
    if (p.first == "model.norm.weight") p.second = torch::ones({c.hiddenSize + 1});
  SafetensorsWriter::write(dir + "/model.safetensors", wrong);
  EXPECT_ERROR(longrl::model::QwenPretrained::load(dir), "model.safetensors", "'model.norm.weight'", "[65]", "[64]");
}

QTEST_APPLESS_MAIN(TestSafetensors)
#include "TestSafetensors.moc"
