#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace longrl::store {

// SHA-256 (FIPS 180-4), small and dependency-free: documents are de-duplicated by their digest.
class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // Finishes the digest; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> digest();
  // Lowercase hex digest of `data`.
  static std::string hex(std::string_view data);

 private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buf_{};
  std::size_t bufLen_ = 0;
  std::uint64_t totalBytes_ = 0;
};

}  // namespace longrl::store
