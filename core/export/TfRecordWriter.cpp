#include "core/export/TfRecordWriter.h"

#include <cstdint>

#include "core/export/Crc32c.h"

namespace longrl::exports {
namespace {

void appendLittleEndian(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xffu);
}

}  // namespace

std::string TfRecordWriter::frame(std::string_view data) {
  std::string length;
  appendLittleEndian(length, data.size(), 8);
  std::string record = length;
  appendLittleEndian(record, Crc32c::masked(Crc32c::compute(length)), 4);
  record.append(data);
  appendLittleEndian(record, Crc32c::masked(Crc32c::compute(data)), 4);
  return record;
}

bool TfRecordWriter::write(std::string_view data) {
  const std::string record = frame(data);
  out_.write(record.data(), static_cast<std::streamsize>(record.size()));
  out_.flush();
  return static_cast<bool>(out_);
}

}  // namespace longrl::exports
