#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace longrl::dataset {

// One training/validation example, whichever JSONL form it was read from (see DatasetReader).
struct DatasetRecord {
  int64_t index = 0;       // extra_info.index when present, else the record's ordinal in its file
  std::string dataSource;  // routes the reward: docmath, multihoprag, musique, long_toc_choices, ...
  std::string document;    // empty when the prompt did not follow the template
  std::string question;
  std::vector<std::string> groundTruth;  // one or more accepted answers
  std::string promptText;                // the user turn exactly as the model sees it
  nlohmann::json extraInfo;              // verbatim; null when absent
  nlohmann::json other;                  // keys this reader does not interpret, verbatim (object), or null
  std::string sourceFile;                // where it was read from (empty for records built in memory)
  int64_t line = 0;                      // 1-based line in sourceFile
};

}  // namespace longrl::dataset
