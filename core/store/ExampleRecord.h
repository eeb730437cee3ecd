#pragma once
#include <cstdint>
#include <string>
#include <tuple>

#include "core/store/RecordField.h"

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

  static constexpr const char* kTable = "examples";
  static constexpr const char* kType = "example";
  static constexpr auto fields() {
    using R = ExampleRecord;
    return std::make_tuple(field("id", &R::id).key().required(), field("data_source", &R::data_source),
                           field("question", &R::question), field("ground_truth", &R::ground_truth),
                           field("doc_id", &R::doc_id), field("input_tokens", &R::input_tokens));
  }
};

}  // namespace longrl::store
