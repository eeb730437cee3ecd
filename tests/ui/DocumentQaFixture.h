// The document, question and streamed answer the Document QA panel tests share.
#pragma once
#include <QString>

#include <fstream>
#include <sstream>
#include <string>

namespace longrl::test::docqa {

inline const char* kTowns[] = {"Port Ellery",    "Marrow Bay",   "Kestrel Point", "Old Quay",
                               "Saint Brannock", "Halden Reach", "Corrin Sound",  "Tavish Harbour"};
inline const char* kMonths[] = {"January", "March", "April", "June", "August", "October", "November", "December"};

// A readable report of `sections` paragraphs; section 27 and 33 are the ones the answer quotes.
inline std::string reportDocument(int sections = 40) {
  std::ostringstream s;
  s << "Annual report of the Northern Harbours Authority\n\n";
  for (int i = 1; i <= sections; ++i) {
    const char* town = kTowns[i % 8];
    s << "Section " << i << ". The harbour of " << town << " recorded " << (1200 + 37 * i) << " ship arrivals in "
      << (1990 + i % 30) << ". Its pilot station was moved to the " << (i % 2 ? "northern" : "southern")
      << " breakwater after the storm of " << kMonths[i % 8] << ", and the dredging contract went to crew " << (i * 7)
      << ".\n";
    if (i == 27)
      s << "The lighthouse keeper of Port Ellery, Agnes Morrow, logged the brightest aurora of the decade on the "
           "night the tanker Solstice ran aground near the outer shoal.\n";
    if (i == 33)
      s << "Customs officers at Marrow Bay seized forty crates of undeclared saffron hidden beneath a cargo of "
           "salted herring bound for Lisbon.\n";
    s << "\n";
  }
  return s.str();
}

inline const std::string kQuestion = "Where did the lighthouse keeper log the brightest aurora of the decade?";
inline const std::string kThink =
    "The question asks about the lighthouse keeper and the aurora. Section 27 says: the lighthouse keeper of Port "
    "Ellery, Agnes Morrow, logged the brightest aurora of the decade on the night the tanker Solstice ran aground "
    "near the outer shoal. A different passage, about customs, says officers at Marrow Bay seized forty crates of "
    "undeclared saffron hidden beneath a cargo of salted herring, which is unrelated. So the keeper was at Port "
    "Ellery.";
inline const std::string kAnswer = "Therefore, the answer is Port Ellery.";
inline const std::string kResponse = "<think>\n" + kThink + "\n</think>\n\n" + kAnswer;

inline QString q(const std::string& s) { return QString::fromStdString(s); }

inline void writeFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

}  // namespace longrl::test::docqa
