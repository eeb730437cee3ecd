#include "core/cli/PrintColumns.h"

#include <algorithm>

namespace longrl::cli {

void printColumns(const std::vector<std::vector<std::string>>& cells, std::ostream& out) {
  if (cells.empty()) return;
  std::vector<std::size_t> width(cells[0].size(), 0);
  for (const auto& line : cells)
    for (std::size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text += std::string(width[i] - line[i].size() + 2, ' ');
    }
    out << text << "\n";
  }
}

}  // namespace longrl::cli
