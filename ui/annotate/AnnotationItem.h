#pragma once
#include <QMetaType>

#include <cmath>
#include <string>
#include <vector>

namespace longrl::ui {

// One example in the annotation queue: how hard training found it, and the label a person gave.
struct AnnotationItem {
  std::string example_id;
  std::string data_source;
  std::string question;
  std::string ground_truth;
  int phase = 0;  // of the difficulty record shown (the latest phase)
  double mean_reward = std::nan("");
  long long attempts = 0;
  std::string label;  // "hard", "not_hard", "unsure" or "" (not labelled)
  std::string note;
};
using AnnotationItems = std::vector<AnnotationItem>;

}  // namespace longrl::ui

Q_DECLARE_METATYPE(longrl::ui::AnnotationItems)
