#include "core/demo/DemoDataset.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/dataset/DatasetRecord.h"
#include "core/dataset/DatasetWriter.h"
#include "core/dataset/PromptTemplate.h"
#include "core/demo/DemoExampleGenerator.h"

namespace longrl::demo {

namespace {
dataset::DatasetRecord toRecord(const DemoExample& ex, const std::string& answer, int64_t index) {
  dataset::DatasetRecord r;
  r.index = index;
  r.dataSource = ex.dataSource;
  r.document = ex.document;
  r.question = ex.question;
  r.groundTruth = {answer};
  r.extraInfo = {{"index", index}, {"kind", ex.kind}, {"band", ex.band}};
  return r;
}
}  // namespace

DemoDatasetFiles writeDemoDataset(const std::string& dir, const DemoDatasetOptions& o) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  DemoDatasetFiles files;
  files.train = (fs::path(dir) / "train.jsonl").string();
  files.val = (fs::path(dir) / "val.jsonl").string();
  files.sft = (fs::path(dir) / "sft.jsonl").string();
  files.corpus = (fs::path(dir) / "corpus.txt").string();
  files.longTrain = (fs::path(dir) / "train-long.jsonl").string();
  files.longVal = (fs::path(dir) / "val-long.jsonl").string();
  for (const auto& f : {files.train, files.val, files.sft, files.corpus, files.longTrain, files.longVal}) fs::remove(f);

  std::ofstream corpus(files.corpus);
  if (!corpus) throw std::runtime_error("cannot write " + files.corpus);
  // Separate generators per split: the splits never share a document.
  auto writeSplit = [&](const std::string& path, int perBand, std::uint64_t seed, bool sft, int* count) {
    DemoExampleGenerator gen(seed);
    dataset::DatasetWriter writer(path);
    int64_t index = 0;
    for (int band = 0; band < static_cast<int>(DemoExampleGenerator::bands().size()); ++band) {
      for (int i = 0; i < perBand; ++i) {
        const DemoExample ex = gen.generate(band);
        writer.append(toRecord(ex, sft ? ex.targetResponse : ex.answer, index++));
        if (sft)
          corpus << dataset::PromptTemplate::build(ex.document, ex.question) << "\n" << ex.targetResponse << "\n";
      }
    }
    *count = static_cast<int>(index);
  };
  writeSplit(files.sft, o.sftPerBand, o.seed * 3 + 1, true, &files.sftCount);
  writeSplit(files.train, o.trainPerBand, o.seed * 3 + 2, false, &files.trainCount);
  writeSplit(files.val, o.valPerBand, o.seed * 3 + 3, false, &files.valCount);
  // Own seeds: the bands above stay exactly what they were before this file existed.
  auto writeLong = [&](const std::string& path, int count, std::uint64_t seed, int64_t firstIndex) {
    DemoExampleGenerator gen(seed);
    dataset::DatasetWriter writer(path);
    for (int i = 0; i < count; ++i) {
      const DemoExample ex = gen.generateBeyondWindow(o.longFillers);
      writer.append(toRecord(ex, ex.answer, firstIndex + i));  // ids follow the split's own
    }
  };
  writeLong(files.longTrain, o.longTrain, o.seed * 3 + 1001, files.trainCount);
  writeLong(files.longVal, o.longVal, o.seed * 3 + 1002, files.valCount);
  corpus.close();
  if (!corpus) throw std::runtime_error("error writing " + files.corpus);
  return files;
}

}  // namespace longrl::demo
