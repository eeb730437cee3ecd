#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace longrl::io {

// Small JSON files the trainer writes beside its weights (config.json, checkpoint state,
// safetensors index). The write is flushed and checked here, so a full disk is an error naming
// the file instead of a truncated file found at the next load.
class JsonFile {
 public:
  // Writes `value` indented by 2 and a final newline; throws std::runtime_error naming `path`.
  static void write(const std::string& path, const nlohmann::json& value);
};

}  // namespace longrl::io
