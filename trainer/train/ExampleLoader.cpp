#include "trainer/train/ExampleLoader.h"

#include <set>

#include "core/dataset/DatasetReader.h"
#include "core/dataset/PromptTemplate.h"

namespace longrl::train {

TrainExample ExampleLoader::prepare(dataset::DatasetRecord record, const tokenizer::Tokenizer& tokenizer) {
  TrainExample e;
  e.userPrompt =
      record.promptText.empty() ? dataset::PromptTemplate::build(record.document, record.question) : record.promptText;
  e.promptIds = tokenizer.encode(tokenizer.applyChatTemplate({{"user", e.userPrompt, std::nullopt}}));
  e.id = std::to_string(record.index);
  e.record = std::move(record);
  return e;
}

ExampleLoader::Result ExampleLoader::load(const config::DatasetConfig& dataset, const tokenizer::Tokenizer& tokenizer,
                                          const reward::RewardRouter& router) {
  dataset::DatasetReadOptions options;
  options.skipMalformed = dataset.skipMalformed;
  auto read = dataset::DatasetReader::readFiles(dataset.train, options);
  Result out;
  out.problems = read.skippedErrors;
  std::set<std::string> ids;
  for (auto& r : read.records) {
    const std::string where = r.sourceFile + ":" + std::to_string(r.line);
    if (!router.kindFor(r.dataSource)) {
      out.problems.push_back(where + ": no reward rule for data_source '" + r.dataSource + "'");
      continue;
    }
    if (r.groundTruth.empty()) {
      out.problems.push_back(where + ": no ground truth");
      continue;
    }
    auto e = prepare(std::move(r), tokenizer);
    // Two files may reuse an index: keep the ids unique, as the store keys rollouts by them.
    if (!ids.insert(e.id).second) {
      e.id += "@" + where;
      ids.insert(e.id);
    }
    out.examples.push_back(std::move(e));
  }
  return out;
}

}  // namespace longrl::train
