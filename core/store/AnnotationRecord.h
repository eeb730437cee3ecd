#pragma once
#include <string>

namespace longrl::store {

// A person's label on an example; (example_id, author) is unique: relabelling replaces it.
struct AnnotationRecord {
  std::string example_id;
  std::string label;  // "hard", "not_hard", "unsure"
  std::string note;
  std::string author;
  double time = 0.0;
};

}  // namespace longrl::store
