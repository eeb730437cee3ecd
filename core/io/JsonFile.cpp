#include "core/io/JsonFile.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace longrl::io {

void JsonFile::write(const std::string& path, const nlohmann::json& value) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(path + ": cannot create file: " + std::strerror(errno));
  out << value.dump(2) << '\n';
  out.flush();  // a full disk shows here, not silently in the destructor
  if (!out) throw std::runtime_error(path + ": cannot write (disk full?): " + std::strerror(errno));
}

}  // namespace longrl::io
