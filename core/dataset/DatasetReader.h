#pragma once
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/dataset/DatasetRecord.h"

namespace longrl::dataset {

struct DatasetReadOptions {
  bool skipMalformed = false;  // false: a malformed line throws DatasetError; true: skipped and counted
};

struct DatasetReadResult {
  std::vector<DatasetRecord> records;
  size_t skipped = 0;
  std::vector<std::string> skippedErrors;  // "FILE:LINE: message" for each skipped line
};

// Reads JSONL datasets in either of two forms, one JSON object per line:
//  - verl:  {"prompt": [{"role": "user", "content": ...}], "data_source": ...,
//            "reward_model": {"ground_truth": ...}, "extra_info": {"index": ...}}
//  - plain: {"document": ..., "question": ..., "answer": ..., "data_source": ...}
// Ground truths may be a string, a number or a list of them. A UTF-8 BOM, CRLF line ends and blank
// lines are accepted. Keys not interpreted here are kept in DatasetRecord::other, so nothing is lost.
class DatasetReader {
 public:
  // Throws DatasetError when the file cannot be opened.
  explicit DatasetReader(std::string path, DatasetReadOptions options = {});

  // The next record, or nullopt at the end. Throws DatasetError on a malformed line unless skipping.
  std::optional<DatasetRecord> next();
  size_t skipped() const { return skippedErrors_.size(); }
  const std::vector<std::string>& skippedErrors() const { return skippedErrors_; }

  static DatasetReadResult readFile(const std::string& path, DatasetReadOptions options = {});
  static DatasetReadResult readFiles(const std::vector<std::string>& paths, DatasetReadOptions options = {});

  // One parsed JSON line -> record (ordinal: fallback index). Throws DatasetError naming file:line.
  static DatasetRecord parseRecord(const nlohmann::json& json, const std::string& file, int64_t line, int64_t ordinal);

 private:
  std::string path_;
  DatasetReadOptions options_;
  std::ifstream in_;
  int64_t line_ = 0;
  int64_t ordinal_ = 0;
  std::vector<std::string> skippedErrors_;
};

}  // namespace longrl::dataset
