#include "core/behavior/BehaviorCues.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace longrl::behavior {

namespace {

using K = BehaviorKind;

// Verbs that set a goal after "I need to", "let me" ...: finding and working out, not checking.
const std::string kGoalVerbs =
    "find|determine|figure|identify|locate|work|understand|establish|extract|list|outline|recall|compare|count|"
    "consider|look";
// First-person and imperative frames before a checking or reconsidering verb ("let me check", "I
// should reconsider"); the bare verbs are common in documents ("the board will reconsider").
const std::vector<std::string> kFrames = {"let me",    "lets",       "let us",     "ill",       "i will", "i should",
                                          "we should", "i need to",  "we need to", "i want to", "i must", "we must",
                                          "i have to", "we have to", "i can",      "we can"};

std::vector<std::pair<K, std::string>> subgoalPhrases() {
  // Sequencing words opening a step, numbered steps and enumerations, announced plans. "Second
  // quarter ..." or "Then the answer is" are not sequencing: those words need a ',' or ':'.
  return {{K::Subgoal, "^first|firstly|second|secondly|third|thirdly|next|then|finally|lastly|afterwards ,|:"},
          {K::Subgoal, "^first of all"},
          {K::Subgoal, "^first let|i|we"},
          {K::Subgoal, "^step #|one|two|three|four|five|six"},
          {K::Subgoal, "^# .|)"},
          {K::Subgoal, "^( # )"},
          {K::Subgoal, "i|we need|have to " + kGoalVerbs},
          {K::Subgoal, "i|we must " + kGoalVerbs},
          {K::Subgoal, "let me|us " + kGoalVerbs},
          {K::Subgoal, "lets " + kGoalVerbs},
          {K::Subgoal, "let me|us first"},
          {K::Subgoal, "lets first"},
          {K::Subgoal, "i|we should first"},
          {K::Subgoal, "let me|us break"},
          {K::Subgoal, "lets break"},
          {K::Subgoal, "break it|this|that down"},
          {K::Subgoal, "let me|us start by|with"},
          {K::Subgoal, "lets|ill start by|with"},
          {K::Subgoal, "the|my goal|plan|approach is"},
          {K::Subgoal, "^plan|goal|approach :"},
          {K::Subgoal, "the first|next step"},
          {K::Subgoal, "sub goal|goals|problem|problems|question|questions|task|tasks"},
          {K::Subgoal, "subgoal|subgoals|subproblem|subproblems|subquestion|subquestions|subtask|subtasks"}};
}

std::vector<std::pair<K, std::string>> backtrackingPhrases() {
  // "wait"/"actually"/"no" as interjections, opening the step or followed by punctuation ("I
  // actually went" is not one); admitted errors; explicit reconsidering in a frame.
  std::vector<std::pair<K, std::string>> p = {{K::Backtracking, "^wait|actually|nope"},
                                              {K::Backtracking, "^instead ,"},
                                              {K::Backtracking, "wait|actually ,|.|!|:"},
                                              {K::Backtracking, "^no ,|.|!|wait"},
                                              {K::Backtracking, "hold|hang on"},
                                              {K::Backtracking, "i was|am wrong|mistaken"},
                                              {K::Backtracking, "i made a|an mistake|error"},
                                              {K::Backtracking, "my mistake|bad|error"},
                                              {K::Backtracking,
                                               "i misread|miscounted|miscalculated|misunderstood|overlooked"},
                                              {K::Backtracking, "that|this|it is|was wrong|incorrect|mistaken"},
                                              {K::Backtracking, "thats|its wrong|incorrect"},
                                              {K::Backtracking, "that|this|it is|was not right|correct"},
                                              {K::Backtracking, "thats|its not right|correct"},
                                              {K::Backtracking, "that|this|it doesnt|dont seem right|correct"},
                                              {K::Backtracking, "that|this|it doesnt|dont make sense"},
                                              {K::Backtracking, "that|this|it doesnt|dont add up"},
                                              {K::Backtracking, "that|this|it cant|cannot be right|correct"},
                                              {K::Backtracking, "on second thought|thoughts"},
                                              {K::Backtracking, "scratch that"},
                                              {K::Backtracking, "^correction"}};
  for (const auto& f : kFrames) {
    p.push_back({K::Backtracking, f + " reconsider|rethink|revisit|reevaluate|reexamine|redo|backtrack|correct"});
    p.push_back({K::Backtracking, f + " re think|consider|evaluate|examine|do"});
    p.push_back({K::Backtracking, f + " start over|again"});
  }
  return p;
}

std::vector<std::pair<K, std::string>> verificationPhrases() {
  // A checking verb in a frame; checking opening a step ("Check: 3 x 4 = 12", "To confirm, ...");
  // double-, cross- and sanity checks anywhere; results confirmed ("which confirms", "checks out").
  std::vector<std::pair<K, std::string>> p = {
      {K::Verification, "^check|checking|verify|verifying|verification|confirm|confirming|recheck|rechecking"},
      {K::Verification, "^to verify|confirm|check|doublecheck|recheck"},
      {K::Verification, "^to double|cross check"},
      {K::Verification, "^to be sure|safe|certain"},
      {K::Verification, "^to make sure|certain"},
      {K::Verification, "just to verify|confirm|check|be|make"},
      {K::Verification, "double|cross|sanity check|checking|checked|checks"},
      {K::Verification, "doublecheck|doublechecking"},
      {K::Verification, "this|that|which|it confirms|verifies"},
      {K::Verification, "checks out"},
      {K::Verification, "that|this|which|it matches|agrees"},
      {K::Verification, "that|this|it is correct|right"},
      {K::Verification, "thats correct|right"},
      {K::Verification, "plug|plugging|substitute|substituting back"},
      {K::Verification, "plug|plugging|substitute|substituting it|this|that|these|them back"}};
  for (const auto& f : kFrames) {
    p.push_back({K::Verification,
                 f + " check|verify|confirm|doublecheck|recheck|validate|ensure|recompute|recalculate|reread|test"});
    p.push_back({K::Verification, f + " double|cross check"});
    p.push_back({K::Verification, f + " re check|read|verify|calculate|compute|count"});
    p.push_back({K::Verification, f + " make sure|certain"});
  }
  return p;
}

std::vector<std::pair<K, std::string>> englishPhrases() {
  auto p = subgoalPhrases();
  for (auto* more : {backtrackingPhrases, verificationPhrases}) {
    auto q = more();
    p.insert(p.end(), q.begin(), q.end());
  }
  return p;
}

std::vector<std::pair<K, std::string>> chinesePhrases() {
  return {{K::Subgoal, "\u9996\u5148"},                   // 首先
          {K::Subgoal, "\u5176\u6b21"},                   // 其次
          {K::Subgoal, "\u7b2c\u4e00\u6b65"},             // 第一步
          {K::Subgoal, "\u7b2c\u4e8c\u6b65"},             // 第二步
          {K::Subgoal, "\u7b2c\u4e09\u6b65"},             // 第三步
          {K::Subgoal, "\u63a5\u4e0b\u6765"},             // 接下来
          {K::Subgoal, "\u6211\u9700\u8981"},             // 我需要
          {K::Subgoal, "\u6211\u4eec\u9700\u8981"},       // 我们需要
          {K::Backtracking, "\u7b49\u7b49"},              // 等等
          {K::Backtracking, "\u7b49\u4e00\u4e0b"},        // 等一下
          {K::Backtracking, "\u4e0d\u5bf9"},              // 不对
          {K::Backtracking, "\u6211\u9519\u4e86"},        // 我错了
          {K::Backtracking, "\u641e\u9519\u4e86"},        // 搞错了
          {K::Backtracking, "\u91cd\u65b0\u8003\u8651"},  // 重新考虑
          {K::Backtracking, "\u91cd\u65b0\u601d\u8003"},  // 重新思考
          {K::Verification, "\u9a8c\u8bc1"},              // 验证
          {K::Verification, "\u9a8c\u7b97"},              // 验算
          {K::Verification, "\u6838\u5bf9"},              // 核对
          {K::Verification, "\u68c0\u67e5\u4e00\u4e0b"},  // 检查一下
          {K::Verification, "\u8ba9\u6211\u68c0\u67e5"},  // 让我检查
          {K::Verification, "\u518d\u68c0\u67e5"},        // 再检查
          {K::Verification, "\u786e\u8ba4\u4e00\u4e0b"},  // 确认一下
          {K::Verification, "\u518d\u786e\u8ba4"}};       // 再确认
}

bool isFiller(const std::string& t) {
  static const std::vector<std::string> kFillers = {",",    "ok", "okay", "so", "now",   "alright", "and", "but",
                                                    "well", "oh", "ah",   "um", "right", "hmm",     "hm"};
  return std::find(kFillers.begin(), kFillers.end(), t) != kFillers.end();
}

bool isSmallNumber(const std::string& t) {
  return !t.empty() && t.size() <= 2 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep))
    if (!part.empty()) out.push_back(part);
  return out;
}

}  // namespace

BehaviorCues::BehaviorCues(const std::vector<std::pair<BehaviorKind, std::string>>& phrases,
                           std::vector<std::pair<BehaviorKind, std::string>> cjk)
    : cjk_(std::move(cjk)) {
  for (const auto& [kind, phrase] : phrases) {
    const bool anchored = !phrase.empty() && phrase[0] == '^';
    Pattern p{kind, {}};
    for (const auto& slot : split(phrase.substr(anchored ? 1 : 0), ' ')) p.slots.push_back(split(slot, '|'));
    if (p.slots.empty()) throw std::invalid_argument("behavior cue: empty phrase");
    const auto index = static_cast<uint32_t>(patterns_.size());
    for (const auto& first : p.slots[0]) (anchored ? atStart_ : anywhere_)[first].push_back(index);
    patterns_.push_back(std::move(p));
  }
}

const BehaviorCues& BehaviorCues::builtIn() {
  static const BehaviorCues cues(englishPhrases(), chinesePhrases());
  return cues;
}

bool BehaviorCues::matchesAt(const Pattern& p, const std::vector<CueToken>& tokens, size_t i) const {
  if (i + p.slots.size() > tokens.size()) return false;
  for (size_t s = 0; s < p.slots.size(); ++s) {
    const std::string& t = tokens[i + s].text;
    bool any = false;
    for (const auto& alt : p.slots[s]) any = any || alt == t || (alt == "#" && isSmallNumber(t));
    if (!any) return false;
  }
  return true;
}

void BehaviorCues::tryAt(const std::vector<uint32_t>* candidates, const std::vector<CueToken>& tokens, size_t i,
                         Matches& out) const {
  if (!candidates) return;
  for (uint32_t c : *candidates) {
    const Pattern& p = patterns_[c];
    auto& slot = out[static_cast<size_t>(p.kind)];
    if (slot || !matchesAt(p, tokens, i)) continue;
    slot = Match{tokens[i].begin, tokens[i + p.slots.size() - 1].end};
  }
}

BehaviorCues::Matches BehaviorCues::match(std::string_view text, TraceStep step,
                                          const std::vector<CueToken>& tokens) const {
  Matches out;
  auto find = [](const auto& map, const std::string& key) {
    const auto it = map.find(key);
    return it == map.end() ? nullptr : &it->second;
  };
  size_t start = 0;
  while (start < tokens.size() && isFiller(tokens[start].text)) ++start;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i].text;
    if (i == start) {
      tryAt(find(atStart_, t), tokens, i, out);
      if (isSmallNumber(t)) tryAt(find(atStart_, "#"), tokens, i, out);
    }
    tryAt(find(anywhere_, t), tokens, i, out);
  }
  const std::string_view s = text.substr(step.begin, step.end - step.begin);
  if (std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) return out;
  for (const auto& [kind, cue] : cjk_) {
    auto& slot = out[static_cast<size_t>(kind)];
    const size_t at = s.find(cue);
    if (at == std::string_view::npos || (slot && slot->begin <= step.begin + at)) continue;
    slot = Match{step.begin + at, step.begin + at + cue.size()};
  }
  return out;
}

}  // namespace longrl::behavior
