#pragma once
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace longrl::serve {

// A request the server refuses, answered as OpenAI does:
//   {"error": {"message": ..., "type": ..., "param": ..., "code": null}} with an HTTP status.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, const std::string& message, std::string type = "invalid_request_error", std::string param = "")
      : std::runtime_error(message), status_(status), type_(std::move(type)), param_(std::move(param)) {}

  int status() const { return status_; }
  const std::string& type() const { return type_; }
  const std::string& param() const { return param_; }  // the offending field ("" when none)

  nlohmann::json toJson() const { return body(what(), type_, param_); }
  static nlohmann::json body(const std::string& message, const std::string& type, const std::string& param = "") {
    return {{"error",
             {{"message", message},
              {"type", type},
              {"param", param.empty() ? nlohmann::json() : nlohmann::json(param)},
              {"code", nullptr}}}};
  }

 private:
  int status_;
  std::string type_;
  std::string param_;
};

}  // namespace longrl::serve
