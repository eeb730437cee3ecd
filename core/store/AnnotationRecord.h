#pragma once
#include <string>
#include <tuple>

#include "core/store/RecordField.h"

namespace longrl::store {

inline constexpr const char* kAnnotationLabels[] = {"hard", "not_hard", "unsure", nullptr};

// A person's label on an example; (example_id, author) is unique: relabelling replaces it.
struct AnnotationRecord {
  std::string example_id;
  std::string label;  // "hard", "not_hard", "unsure"
  std::string note;
  std::string author;
  double time = 0.0;

  static constexpr const char* kTable = "annotations";
  static constexpr const char* kType = "annotation";
  static constexpr auto fields() {
    using R = AnnotationRecord;
    return std::make_tuple(field("example_id", &R::example_id).key().required(),
                           field("label", &R::label).required().oneOf(kAnnotationLabels), field("note", &R::note),
                           field("author", &R::author).key(), field("time", &R::time));
  }
};

}  // namespace longrl::store
