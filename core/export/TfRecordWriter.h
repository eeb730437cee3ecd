#pragma once
#include <ostream>
#include <string>
#include <string_view>

namespace longrl::exports {

// TFRecord framing, as TensorBoard's event files use it: per record the length (uint64,
// little-endian), the masked CRC-32C of those 8 bytes, the data, the masked CRC-32C of the data.
class TfRecordWriter {
 public:
  // `out` must outlive the writer; open it in binary mode.
  explicit TfRecordWriter(std::ostream& out) : out_(out) {}
  // Writes one record and flushes, so a reader following the file live sees whole records.
  // Returns false when the stream failed.
  bool write(std::string_view data);
  // The framed bytes of one record.
  static std::string frame(std::string_view data);

 private:
  std::ostream& out_;
};

}  // namespace longrl::exports
