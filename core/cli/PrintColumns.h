#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace longrl::cli {

// Prints rows of cells as left-aligned columns two spaces apart (the first row is usually the
// header), as `longrl runs` and `longrl checkpoints` show their tables.
void printColumns(const std::vector<std::vector<std::string>>& cells, std::ostream& out);

}  // namespace longrl::cli
