#pragma once
#include <QMetaType>

#include <cmath>
#include <map>
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
  // A remote run's label: whether it has reached the run's own store (where the trainer reads it).
  enum class Delivery { Local, Queued, Delivered } delivery = Delivery::Local;
};
using AnnotationItems = std::vector<AnnotationItem>;
// example id -> whether the author's last change to its label reached the remote run.
using DeliveryMap = std::map<std::string, bool>;

}  // namespace longrl::ui

Q_DECLARE_METATYPE(longrl::ui::AnnotationItems)
Q_DECLARE_METATYPE(longrl::ui::DeliveryMap)
