#pragma once
#include <fstream>
#include <string>

#include "core/dataset/DatasetRecord.h"

namespace longrl::dataset {

// Appends records to a JSONL file in the plain form
//   {"data_source", "document", "question", "answer", "extra_info"?, ...other keys}
// (answer: a string for one ground truth, else a list). The GUI's document QA saves sessions as
// examples this way; DatasetReader reads them back unchanged. Each record is flushed as written.
class DatasetWriter {
 public:
  // Opens for appending (creates the file). Throws DatasetError when it cannot.
  explicit DatasetWriter(std::string path);

  // Throws DatasetError on I/O failure or text that is not valid UTF-8.
  void append(const DatasetRecord& record);

  static nlohmann::json toPlainJson(const DatasetRecord& record);

 private:
  std::string path_;
  std::ofstream out_;
  int64_t line_ = 0;  // lines in the file, for error messages
};

}  // namespace longrl::dataset
