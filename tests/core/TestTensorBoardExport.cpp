// `longrl export RUN_DIR --tensorboard DIR | --jsonl OUT`, and the pieces under them (core/export).
// Event files are read back by tests/core/tfevents_reader.py, which shares no code with the writer:
// its own bitwise CRC-32C and python3-protobuf decoding with TensorBoard's field numbers.
#include <QtTest/QtTest>

#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cli/ExportCommand.h"
#include "core/cli/UsageError.h"
#include "core/export/Crc32c.h"
#include "core/export/ExportError.h"
#include "core/export/MetricsJsonl.h"
#include "core/export/TensorBoardEventWriter.h"
#include "core/export/TfRecordWriter.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/TensorBoardEvents.h"
#include "support/TestPaths.h"

namespace fs = std::filesystem;
using namespace longrl;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

int runExport(std::vector<std::string> args, std::string& out) {
  cli::ArgList list(std::move(args));
  std::ostringstream o, e;
  const int rc = cli::exportCommand().run(list, o, e);
  out = o.str();
  return rc;
}

// A run with several metrics over several steps: a NaN, an infinity, a value float32 rounds, a
// step that needs a 6-byte varint, a negative step (10 bytes), a name with a comma and one in UTF-8.
std::string makeRun() {
  const std::string dir = test::freshTempDir("tb-export") + "/run";
  store::RunStoreWriter w(store::RunStore::fileIn(dir));
  w.writeRun({"run", "finished", "{}", "", 1700000000.0, 1700000500.0});
  for (int step = 0; step < 4; ++step) {
    const double t = 1700000000.123456 + 10.5 * step;
    w.writeMetric({0, step, step / 2, "critic/score/mean", 0.125 * step, t});
    w.writeMetric({0, step, step / 2, "actor/pg_loss, clipped", 0.1 + step * 1e-3, t + 0.25});
  }
  w.writeMetric({0, 2, 1, "actor/entropy", kNaN, 1700000030.0});
  w.writeMetric({0, 3, 1, "actor/grad_norm", HUGE_VAL, 1700000040.0});
  w.writeMetric({0, 1LL << 40, 1, "val-core/m\xc3\xbcsique/acc/mean@1", 0.75, 1700000099.5});
  w.writeMetric({0, -1, 0, "sft/loss", -2.5, 1699999999.0});
  return dir;
}

std::vector<store::MetricPoint> storedMetrics(const std::string& runDir) {
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  std::vector<store::MetricPoint> points;
  r.forEachMetric([&](const store::MetricPoint& m) { points.push_back(m); });
  return points;
}

bool sameFloat32(double eventValue, double stored) {
  const float want = static_cast<float>(stored);
  return std::isnan(want) ? std::isnan(eventValue) : eventValue == static_cast<double>(want);
}

// One event file per export; its scalars are the store's points in order (tag, step, float32
// value, wall time to the bit).
void verifyEventFile(const test::EventFile& file, const std::vector<store::MetricPoint>& points) {
  QCOMPARE(file.scalars.size(), points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    const auto& s = file.scalars[i];
    const auto& p = points[i];
    const QByteArray where = QByteArray::fromStdString(p.name + " step " + std::to_string(p.step));
    QVERIFY2(s.tag == p.name, where);
    QVERIFY2(s.step == p.step, where);
    QVERIFY2(sameFloat32(s.value, p.value), where);
    QVERIFY2(s.wallTime == p.wall_time, where);
  }
}

std::string exportTensorBoard(const std::string& runDir, const std::string& tbDir) {
  std::string out;
  if (runExport({runDir, "--tensorboard", tbDir}, out) != 0) throw std::runtime_error("export failed");
  return out;
}

void flipByte(const std::string& from, const std::string& to, std::size_t offset) {
  std::string bytes = test::fileBytes(from);
  bytes.at(offset) = static_cast<char>(bytes.at(offset) ^ 0x01);
  std::ofstream(to, std::ios::binary) << bytes;
}

}  // namespace

class TestTensorBoardExport : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void crc32cKnownVectors() {
    using exports::Crc32c;
    QCOMPARE(Crc32c::compute("123456789"), 0xE3069283u);  // RFC 3720's check value
    QCOMPARE(Crc32c::compute(std::string(32, '\0')), 0x8A9136AAu);
    QCOMPARE(Crc32c::compute(std::string(32, '\xff')), 0x62A8AB43u);
    QCOMPARE(Crc32c::extend(Crc32c::compute("1234"), "56789"), 0xE3069283u);
    QCOMPARE(Crc32c::compute(""), 0u);
    // TFRecord's mask: rotate right by 15, add 0xa282ead8 (mod 2^32).
    QCOMPARE(Crc32c::masked(0xE3069283u), 0xC78AB0E5u);
    QCOMPARE(Crc32c::masked(0u), 0xA282EAD8u);
  }

  void tfRecordFramesLengthDataAndMaskedCrcs() {
    const std::string framed = exports::TfRecordWriter::frame("abc");
    QCOMPARE(framed.size(), std::size_t(8 + 4 + 3 + 4));
    QCOMPARE(framed.substr(0, 8), std::string("\x03\0\0\0\0\0\0\0", 8));
    QCOMPARE(framed.substr(12, 3), std::string("abc"));
    auto le32 = [&](std::size_t at) {
      std::uint32_t v = 0;
      for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(framed[at + i]);
      return v;
    };
    QCOMPARE(le32(8), exports::Crc32c::masked(exports::Crc32c::compute(framed.substr(0, 8))));
    QCOMPARE(le32(15), exports::Crc32c::masked(exports::Crc32c::compute("abc")));
    std::ostringstream out;
    exports::TfRecordWriter w(out);
    QVERIFY(w.write("abc"));
    QVERIFY(w.write(""));
    QCOMPARE(out.str(), framed + exports::TfRecordWriter::frame(""));
  }

  void exportIsReadByAnIndependentReader() {
    const std::string run = makeRun();
    const auto points = storedMetrics(run);
    QCOMPARE(points.size(), std::size_t(12));
    const std::string tb = fs::path(run).parent_path().string() + "/tb";
    const std::string out = exportTensorBoard(run, tb);
    QVERIFY2(out.find("wrote 12 scalars to " + tb + "/events.out.tfevents.") == 0, out.c_str());
    const auto files = test::eventFilesIn(tb);
    QCOMPARE(files.size(), std::size_t(1));
    const std::string name = fs::path(files[0]).filename().string();
    QVERIFY2(name.size() > 7 && name.compare(name.size() - 7, 7, ".longrl") == 0, name.c_str());
    const auto read = test::readEventFiles(files);
    QVERIFY2(read.run.rc == 0, read.run.output.c_str());
    QCOMPARE(read.files.size(), std::size_t(1));
    verifyEventFile(read.files[0], points);
    int nans = 0, infs = 0;
    for (const auto& sc : read.files[0].scalars) {
      nans += std::isnan(sc.value) ? 1 : 0;
      infs += std::isinf(sc.value) ? 1 : 0;
    }
    QCOMPARE(nans, 1);
    QCOMPARE(infs, 1);
    QVERIFY(std::abs(read.files[0].versionWallTime - static_cast<double>(std::time(nullptr))) < 600);

    // Exporting again adds a file beside the first (TensorBoard merges them), never overwrites it.
    const std::string before = test::fileBytes(files[0]);
    exportTensorBoard(run, tb);
    const auto twice = test::eventFilesIn(tb);
    QCOMPARE(twice.size(), std::size_t(2));
    QCOMPARE(test::fileBytes(files[0]), before);
    const auto again = test::readEventFiles(twice);
    QVERIFY2(again.run.rc == 0, again.run.output.c_str());
    verifyEventFile(again.files[1], points);
  }

  void corruptedRecordsAreDetected() {
    // So that the reader's verdict above means something: one flipped bit anywhere is caught.
    const std::string run = makeRun();
    const std::string dir = fs::path(run).parent_path().string();
    exportTensorBoard(run, dir + "/tb");
    const std::string good = test::eventFilesIn(dir + "/tb").at(0);
    const std::size_t size = fs::file_size(good);
    struct Case {
      const char* name;
      std::size_t offset;
      const char* expected;
    };
    // The second record starts after the first (file_version); its first byte is its length's lowest.
    const std::size_t second =
        exports::TfRecordWriter::frame(exports::TensorBoardEventWriter::fileVersionEvent(0)).size();
    for (const Case& c : {Case{"data", size - 10, "data CRC mismatch"}, Case{"length", second, "length CRC mismatch"},
                          Case{"data crc", size - 1, "data CRC mismatch"}}) {
      const std::string bad = dir + "/bad-" + c.name;
      flipByte(good, bad, c.offset);
      const auto read = test::readEventFiles({bad});
      QVERIFY2(read.run.rc == 2 && read.run.output.find(c.expected) != std::string::npos,
               (std::string(c.name) + ": " + read.run.output).c_str());
    }
    const std::string cut = dir + "/cut";
    std::ofstream(cut, std::ios::binary) << test::fileBytes(good).substr(0, size - 3);
    const auto truncated = test::readEventFiles({cut});
    QVERIFY2(truncated.run.rc == 2 && truncated.run.output.find("truncated") != std::string::npos,
             truncated.run.output.c_str());
    QCOMPARE(test::readEventFiles({good}).run.rc, 0);  // the untouched file still reads
  }

  void jsonlHasOneObjectPerPoint() {
    const std::string run = makeRun();
    const auto points = storedMetrics(run);
    const std::string path = fs::path(run).parent_path().string() + "/metrics.jsonl";
    std::string out;
    QCOMPARE(runExport({run, "--jsonl", path}, out), 0);
    QVERIFY2(out.find("wrote 12 metric lines to " + path) != std::string::npos, out.c_str());
    std::ifstream in(path);
    std::vector<nlohmann::json> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(nlohmann::json::parse(l));  // every line parses
    QCOMPARE(lines.size(), points.size());
    for (size_t i = 0; i < points.size(); ++i) {
      const auto& j = lines[i];
      const auto& p = points[i];
      QCOMPARE(j.at("step").get<std::int64_t>(), p.step);
      QCOMPARE(j.at("phase").get<int>(), p.phase);
      QCOMPARE(j.at("name").get<std::string>(), p.name);
      QCOMPARE(j.at("wall_time").get<double>(), p.wall_time);
      if (std::isfinite(p.value)) {
        QCOMPARE(j.at("value").get<double>(), p.value);  // exact: shortest round-trip text
        QVERIFY(!j.contains("nonfinite"));
      } else {
        QVERIFY(j.at("value").is_null());
        QCOMPARE(j.at("nonfinite").get<std::string>(), std::string(std::isnan(p.value) ? "nan" : "inf"));
      }
    }
    // "-" writes the same lines to stdout.
    QCOMPARE(runExport({run, "--jsonl", "-"}, out), 0);
    std::ifstream again(path);
    QCOMPARE(out, std::string((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>()));
    store::MetricPoint m{0, 5, 2, "x", -HUGE_VAL, 12.5};
    QCOMPARE(exports::MetricsJsonl::line(m),
             std::string(R"({"step":5,"phase":2,"name":"x","value":null,"nonfinite":"-inf","wall_time":12.5})"
                         "\n"));
  }

  void exactlyOneFormatAndUnwritableOutputsNamed() {
    const std::string run = makeRun();
    const std::string dir = fs::path(run).parent_path().string();
    std::string out;
    try {
      runExport({run}, out);
      QFAIL("no format must be a usage error");
    } catch (const cli::UsageError& e) {
      QVERIFY2(std::string(e.what()).find("--tensorboard") != std::string::npos, e.what());
    }
    try {
      runExport({run, "--csv", dir + "/a.csv", "--tensorboard", dir + "/tb"}, out);
      QFAIL("two formats must be a usage error");
    } catch (const cli::UsageError& e) {
      const std::string what = e.what();
      QVERIFY2(what.find("--csv") != std::string::npos && what.find("--tensorboard") != std::string::npos, e.what());
    }
    QVERIFY(!fs::exists(dir + "/a.csv") && !fs::exists(dir + "/tb"));
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, runExport({run, "--tensorboard", "-"}, out));
    // A regular file where the directory should be; a directory that does not exist.
    std::ofstream(dir + "/plain") << "x";
    for (const auto& args : std::vector<std::vector<std::string>>{{run, "--tensorboard", dir + "/plain/tb"},
                                                                  {run, "--jsonl", dir + "/no/such/x.jsonl"},
                                                                  {run, "--csv", dir + "/no/such/x.csv"}}) {
      try {
        runExport(args, out);
        QFAIL(("must fail: " + args[2]).c_str());
      } catch (const exports::ExportError& e) {
        QVERIFY2(std::string(e.what()).find(args[2]) != std::string::npos, e.what());
      }
    }
  }
};

QTEST_APPLESS_MAIN(TestTensorBoardExport)
#include "TestTensorBoardExport.moc"
