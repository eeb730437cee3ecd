#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace longrl::reward {

// The judge prompt of the reference (QwenLong-L1's "general ORM"): a fixed system message and a
// user message `Problem / Answer 1 / Answer 2`. Answer 1 is the model's extracted answer,
// Answer 2 the ground truth. Kept as an object so the exact text sent can be stored and shown.
class JudgePrompt {
 public:
  JudgePrompt(std::string problem, std::string modelAnswer, std::string groundTruth);

  static const std::string& systemMessage();
  const std::string& userMessage() const { return user_; }
  // OpenAI chat `messages` array: system then user.
  nlohmann::json messages() const;

  const std::string& problem() const { return problem_; }
  const std::string& modelAnswer() const { return answer1_; }
  const std::string& groundTruth() const { return answer2_; }

  // The question of a QwenLong-L1 prompt: the text between `</text>` and
  // "Format your response as follows:" (as the reference cuts it); the whole prompt, trimmed,
  // when those markers are missing.
  static std::string questionFromPrompt(const std::string& prompt);

 private:
  std::string problem_, answer1_, answer2_, user_;
};

}  // namespace longrl::reward
