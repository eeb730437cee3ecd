#pragma once
#include <string>
#include <vector>

namespace longrl::demo {

// One synthetic document-QA example of the demo.
struct DemoExample {
  std::string document;
  std::string question;
  std::string answer;          // ground truth
  std::string dataSource;      // routes the reward: demo_multihoprag (docqa) or demo_docmath
  std::string targetResponse;  // "<think>evidence</think> Therefore, the answer is X." for warm-up SFT
  std::string kind;            // lives_in_country, company_city, revenue, revenue_sum, revenue_change, revenue_percent
  int band = 0;                // length band (0 = shortest)
  // The document's sentences the answer needs, in document order (set by generateBeyondWindow, so
  // that memory-agent SFT targets can keep exactly them).
  std::vector<std::string> evidence;
};

}  // namespace longrl::demo
