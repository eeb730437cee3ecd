#pragma once
#include <cstdint>
#include <string>

namespace longrl::store {

// One dataset example (question + ground truth over a document). `id` is the dataset's
// extra_info.index as text, so it is stable across runs.
struct ExampleRecord {
  std::string id;
  std::string data_source;
  std::string question;
  std::string ground_truth;
  std::int64_t doc_id = 0;  // DocumentRecord::id, 0 = none
  std::int64_t input_tokens = 0;
};

}  // namespace longrl::store
