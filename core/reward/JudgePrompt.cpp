#include "core/reward/JudgePrompt.h"

#include "core/reward/AnswerExtractor.h"

namespace longrl::reward {

JudgePrompt::JudgePrompt(std::string problem, std::string modelAnswer, std::string groundTruth)
    : problem_(std::move(problem)), answer1_(std::move(modelAnswer)), answer2_(std::move(groundTruth)) {
  user_ = "\nProblem: " + problem_ + "\nAnswer 1: " + answer1_ + "\nAnswer 2: " + answer2_ + "\n";
}

const std::string& JudgePrompt::systemMessage() {
  static const std::string kSystem =
      "You are an expert in verifying if two answers are the same.\n"
      "Your input is a problem and two answers, Answer 1 and Answer 2. You need to check if they are equivalent.\n"
      "Your task is to determine if two answers are equivalent, without attempting to solve the original problem.\n"
      "Compare the answers to verify they represent identical values or meaning, even when written in different "
      "forms or notations.\n"
      "\n"
      "Your output must follow the following format:\n"
      "1) Provide an explanation for why the answers are equivalent or not.\n"
      "2) Then provide your final answer in the form of: [[YES]] or [[NO]]\n";
  return kSystem;
}

nlohmann::json JudgePrompt::messages() const {
  return nlohmann::json::array(
      {{{"role", "system"}, {"content", systemMessage()}}, {{"role", "user"}, {"content", user_}}});
}

std::string JudgePrompt::questionFromPrompt(const std::string& prompt) {
  const std::string open = "</text>";
  const std::string close = "Format your response as follows:";
  const size_t b = prompt.rfind(open);
  if (b != std::string::npos) {
    const size_t e = prompt.find(close, b);
    if (e != std::string::npos) return AnswerExtractor::trim(prompt.substr(b + open.size(), e - b - open.size()));
  }
  return AnswerExtractor::trim(prompt);
}

}  // namespace longrl::reward
