#include "core/reward/JudgeClient.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include <httplib.h>

#include "core/io/ParallelFor.h"
#include "core/reward/RewardError.h"

namespace longrl::reward {

struct JudgeClient::Attempt {
  enum Kind { Ok, Retryable, Fatal } kind = Fatal;
  int status = 0;
  std::string body;
  std::string error;
  int retry_after_ms = -1;
};

namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string firstChars(const std::string& s, size_t n) { return s.size() <= n ? s : s.substr(0, n) + "..."; }

// choices[0].message.content of a 2xx body into r.raw_reply; r.error when there is none.
void readContent(const std::string& body, JudgeResult& r) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  const nlohmann::json* content = nullptr;
  if (!json.is_discarded() && json.is_object() && json.contains("choices") && json["choices"].is_array() &&
      !json["choices"].empty()) {
    const auto& c0 = json["choices"][0];
    if (c0.is_object() && c0.contains("message") && c0["message"].is_object() && c0["message"].contains("content") &&
        c0["message"]["content"].is_string())
      content = &c0["message"]["content"];
  }
  if (json.is_discarded()) r.error = "malformed judge reply (not JSON): " + firstChars(body, 200);
  else if (!content) r.error = "judge reply has no string choices[0].message.content: " + firstChars(body, 200);
  else r.raw_reply = content->get<std::string>();
}

}  // namespace

JudgeClient::JudgeClient(JudgeOptions options) : options_(std::move(options)) {
  const std::string& url = options_.base_url;
  const size_t sep = url.find("://");
  if (sep == std::string::npos) throw RewardError("judge base_url '" + url + "': expected http://host[:port][/path]");
  const std::string scheme = url.substr(0, sep);
  if (scheme != "http" && scheme != "https")
    throw RewardError("judge base_url '" + url + "': scheme must be http or https");
  const size_t slash = url.find('/', sep + 3);
  const std::string hostPort = url.substr(sep + 3, slash == std::string::npos ? std::string::npos : slash - sep - 3);
  if (hostPort.empty()) throw RewardError("judge base_url '" + url + "': missing host");
  origin_ = scheme + "://" + hostPort;
  std::string path = slash == std::string::npos ? "" : url.substr(slash);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (endsWith(path, "/chat/completions")) path_ = path;
  else if (path.empty()) path_ = "/v1/chat/completions";
  else path_ = path + "/chat/completions";

  if (options_.model.empty()) throw RewardError("judge model: must not be empty");
  if (options_.timeout_ms <= 0) throw RewardError("judge timeout_ms: must be > 0");
  if (options_.max_retries < 0) throw RewardError("judge max_retries: must be >= 0");
  if (options_.backoff_ms < 0) throw RewardError("judge backoff_ms: must be >= 0");
  if (options_.max_concurrent < 1) throw RewardError("judge max_concurrent: must be >= 1");
  inFlight_ = std::make_unique<CountingSemaphore>(options_.max_concurrent);
}

nlohmann::json JudgeClient::requestBody(const JudgePrompt& prompt) const { return requestBody(prompt.messages()); }

nlohmann::json JudgeClient::requestBody(const nlohmann::json& messages) const {
  nlohmann::json body = {{"model", options_.model},
                         {"messages", messages},
                         {"temperature", options_.temperature},
                         {"n", 1},
                         {"stream", false}};
  if (options_.max_tokens > 0) body["max_tokens"] = options_.max_tokens;
  return body;
}

JudgeClient::Attempt JudgeClient::attemptOnce(const std::string& body) const {
  Attempt a;
  // One client per attempt: httplib::Client is not safe to share between threads.
  httplib::Client cli(origin_);
  const auto timeout = std::chrono::milliseconds(options_.timeout_ms);
  cli.set_connection_timeout(timeout);
  cli.set_read_timeout(timeout);
  cli.set_write_timeout(timeout);
  if (!options_.api_key.empty()) cli.set_bearer_token_auth(options_.api_key);
  httplib::Headers headers = {{"Accept", "application/json"}};
  auto res = cli.Post(path_, headers, body, "application/json");
  if (!res) {
    a.kind = Attempt::Retryable;
    a.error = "request to " + origin_ + path_ + " failed: " + httplib::to_string(res.error());
    return a;
  }
  a.status = res->status;
  a.body = res->body;
  if (a.status >= 200 && a.status < 300) {
    a.kind = Attempt::Ok;
    return a;
  }
  a.error = "HTTP " + std::to_string(a.status) + " from " + origin_ + path_ + ": " + firstChars(a.body, 300);
  if (a.status == 429 || a.status >= 500) {
    a.kind = Attempt::Retryable;
    if (res->has_header("Retry-After")) {
      const long seconds = std::strtol(res->get_header_value("Retry-After").c_str(), nullptr, 10);
      if (seconds > 0) a.retry_after_ms = static_cast<int>(std::min<long>(seconds, 3600) * 1000);
    }
  } else {
    a.kind = Attempt::Fatal;  // a 4xx will not heal by asking again
  }
  return a;
}

JudgeResult JudgeClient::judge(const JudgePrompt& prompt) const {
  JudgeResult r = complete(JudgePrompt::systemMessage(), prompt.userMessage());
  if (r.error.empty()) r.verdict = parseJudgeVerdict(r.raw_reply, &r.error);
  return r;
}

JudgeResult JudgeClient::complete(const std::string& system, const std::string& user) const {
  JudgeResult r;
  r.system_prompt = system;
  r.user_prompt = user;
  r.model = options_.model;
  const nlohmann::json messages =
      nlohmann::json::array({{{"role", "system"}, {"content", system}}, {{"role", "user"}, {"content", user}}});
  const std::string body = requestBody(messages).dump();
  const auto t0 = std::chrono::steady_clock::now();
  int backoff = options_.backoff_ms;
  for (int attempt = 0; attempt <= options_.max_retries; ++attempt) {
    Attempt a;
    {
      CountingSemaphore::Guard slot(*inFlight_);
      a = attemptOnce(body);
    }
    r.attempts = attempt + 1;
    r.http_status = a.status;
    r.raw_reply = a.body;
    if (a.kind == Attempt::Ok) {
      r.error.clear();  // an earlier attempt's failure is healed
      readContent(a.body, r);
      break;
    }
    r.error = a.error;
    if (a.kind == Attempt::Fatal) break;
    if (attempt == options_.max_retries) {
      r.error += " (gave up after " + std::to_string(r.attempts) + " attempts)";
      break;
    }
    const int wait = std::min(std::max(backoff, a.retry_after_ms), options_.max_backoff_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    backoff = std::min(backoff * 2, options_.max_backoff_ms);
  }
  r.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

JudgeResult JudgeClient::judge(const std::string& problem, const std::string& modelAnswer,
                               const std::string& groundTruth) const {
  return judge(JudgePrompt(problem, modelAnswer, groundTruth));
}

std::vector<JudgeResult> JudgeClient::judgeMany(const std::vector<JudgePrompt>& prompts) const {
  std::vector<JudgeResult> results(prompts.size());
  io::parallelFor(prompts.size(), static_cast<size_t>(options_.max_concurrent),
                  [&](size_t i) { results[i] = judge(prompts[i]); });
  return results;
}

}  // namespace longrl::reward
