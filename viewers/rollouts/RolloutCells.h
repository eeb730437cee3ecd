#pragma once
#include <QString>
#include <QVariant>

#include <string>

#include "core/store/RolloutRecord.h"

namespace longrl::viewers {

// How one rollout field looks in a table cell (text, alignment, colour, tooltip), shared by the
// flat table and the grouped views so that they read alike. Columns are RolloutTableModel::Column.
class RolloutCells {
 public:
  static QVariant value(const store::RolloutRecord& r, const std::string& source, int column, int role);
  static QString title(int column);
  static QString tooltip(int column);
  // "0.500", or "—" for NaN (a reward not computed).
  static QString number(double v, int decimals = 3);
  // Verdict text as shown ("–" when the judge was not asked) and its colour.
  static QString verdictText(const std::string& verdict);
  static QVariant verdictColor(const std::string& verdict);
  // The answer on one line, cut to `max` characters.
  static QString oneLine(const std::string& text, int max = 160);
};

}  // namespace longrl::viewers
