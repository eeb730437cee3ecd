#include "core/demo/DemoExampleGenerator.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace longrl::demo {

namespace {
std::string revenueSentence(const DemoWorld::Company& c, int year) {
  return "In " + std::to_string(DemoWorld::kFirstYear + year) + ", " + c.name + " reported revenue of " +
         std::to_string(c.revenue[year]) + " million.";
}

std::string formatPercent(double v) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(1);
  s << v;
  return s.str();
}
}  // namespace

const std::vector<DemoExampleGenerator::Band>& DemoExampleGenerator::bands() {
  // Longer bands add distractor passages ("visited" sentences, fillers naming cities) rather than
  // many more entities: for the 1M-parameter demo model the number of people and companies a
  // look-up must tell apart is what makes it hard, not the length. With 4 and 8 people in the
  // longer bands the warm start's accuracy fell by band (44%, 28%, 18%) and RL on band 3 started
  // far below band 1; with these bands it is 44%, 47% and 40%, so what GRPO learns on the short
  // band carries into the long ones, as the curriculum intends.
  static const std::vector<Band> b = {{2, 1, 1, 1}, {2, 1, 4, 12}, {3, 1, 8, 34}};
  return b;
}

std::string DemoExampleGenerator::filler(const DemoWorld& w) {
  static const char* const templates[] = {"The old market of {c} opens early on most days.",
                                          "Travellers often describe {c} as quiet in winter.",
                                          "The river near {c} floods every few years.",
                                          "A new library was built in {c} a decade ago.",
                                          "Many visitors to {c} arrive by train.",
                                          "The harbour of {c} is busy in the summer."};
  std::uniform_int_distribution<std::size_t> t(0, std::size(templates) - 1), c(0, w.cities.size() - 1);
  std::string s = templates[t(rng_)];
  return s.replace(s.find("{c}"), 3, w.cities[c(rng_)]);
}

std::string DemoExampleGenerator::askChain(const DemoWorld& w, const DemoWorld::Person& person, bool country,
                                           DemoExample& ex) {
  ex.dataSource = "demo_multihoprag";
  if (country) {
    ex.kind = "lives_in_country";
    const std::string& city = w.cities[person.city];
    ex.question = "In which country does " + person.name + " live?";
    ex.answer = w.countries[w.cityCountry[person.city]];
    return person.name + " lives in " + city + ". " + city + " is a city in " + ex.answer + ".";
  }
  ex.kind = "company_city";
  const auto& co = w.companies[person.company];
  ex.question = "In which city is the company that " + person.name + " works for based?";
  ex.answer = w.cities[co.city];
  return person.name + " works for " + co.name + ". " + co.name + " is based in " + ex.answer + ".";
}

DemoExample DemoExampleGenerator::generateBeyondWindow(int fillers) {
  DemoWorld w = DemoWorld::sample(rng_, 8, 2);
  std::uniform_int_distribution<std::size_t> anyPerson(0, w.people.size() - 1), anyCity(0, w.cities.size() - 1);
  const std::size_t asked = anyPerson(rng_);
  const auto& person = w.people[asked];
  std::uniform_real_distribution<double> u(0, 1);
  DemoExample ex;
  ex.band = static_cast<int>(bands().size());
  const bool country = u(rng_) < 0.6;
  const std::string think = askChain(w, person, country, ex);
  // The chain's two facts, placed far apart: the first hop in the first fifth of the sentences, the
  // second in the last fifth, so that no window-sized section holds both.
  const std::string hop1 = think.substr(0, think.find(". ") + 1), hop2 = think.substr(think.find(". ") + 2);

  std::vector<std::string> middle;
  for (std::size_t i = 0; i < w.people.size(); ++i) {
    const auto& p = w.people[i];
    if (i != asked || !country) middle.push_back(p.name + " lives in " + w.cities[p.city] + ".");
    if (i != asked || country) middle.push_back(p.name + " works for " + w.companies[p.company].name + ".");
  }
  const std::string hop2Subject = hop2.substr(0, hop2.find(' '));
  for (const auto& c : w.companies) {
    if (country || c.name != hop2Subject) middle.push_back(c.name + " is based in " + w.cities[c.city] + ".");
    for (int y = 0; y < DemoWorld::kYears; ++y) middle.push_back(revenueSentence(c, y));
  }
  for (std::size_t c = 0; c < w.cities.size(); ++c)
    if (!country || w.cities[c] != hop2Subject)
      middle.push_back(w.cities[c] + " is a city in " + w.countries[w.cityCountry[c]] + ".");
  for (int i = 0; i < 3 * static_cast<int>(w.people.size()); ++i)
    middle.push_back(w.people[anyPerson(rng_)].name + " visited " + w.cities[anyCity(rng_)] + " last year.");
  for (int i = 0; i < fillers; ++i) middle.push_back(filler(w));
  std::shuffle(middle.begin(), middle.end(), rng_);
  const std::size_t fifth = std::max<std::size_t>(1, (middle.size() + 2) / 5);
  std::uniform_int_distribution<std::size_t> early(0, fifth - 1), late(middle.size() + 2 - fifth, middle.size() + 1);
  std::vector<std::string> sentences = middle;
  sentences.insert(sentences.begin() + static_cast<std::ptrdiff_t>(early(rng_)), hop1);
  const std::size_t at = std::min(late(rng_), sentences.size());
  sentences.insert(sentences.begin() + static_cast<std::ptrdiff_t>(at), hop2);
  ex.document = paragraphs(sentences);
  ex.evidence = {hop1, hop2};
  ex.targetResponse = "<think>" + think + "</think> Therefore, the answer is " + ex.answer + ".";
  return ex;
}

std::string DemoExampleGenerator::paragraphs(const std::vector<std::string>& sentences) {
  std::string doc;
  std::uniform_int_distribution<int> paragraph(3, 6);
  for (std::size_t i = 0; i < sentences.size();) {
    const std::size_t n = static_cast<std::size_t>(paragraph(rng_));
    for (std::size_t j = 0; j < n && i < sentences.size(); ++j, ++i) {
      if (j > 0) doc += ' ';
      doc += sentences[i];
    }
    if (i < sentences.size()) doc += "\n\n";
  }
  return doc;
}

DemoExample DemoExampleGenerator::generate(int bandIndex) {
  const Band& band = bands().at(static_cast<std::size_t>(bandIndex));
  DemoWorld w = DemoWorld::sample(rng_, band.people, band.companies);

  std::vector<std::string> sentences;
  std::vector<bool> cityMentioned(w.cities.size(), false);
  for (const auto& p : w.people) {
    sentences.push_back(p.name + " lives in " + w.cities[p.city] + ".");
    sentences.push_back(p.name + " works for " + w.companies[p.company].name + ".");
    cityMentioned[p.city] = true;
  }
  for (const auto& c : w.companies) {
    sentences.push_back(c.name + " is based in " + w.cities[c.city] + ".");
    cityMentioned[c.city] = true;
    for (int y = 0; y < DemoWorld::kYears; ++y) sentences.push_back(revenueSentence(c, y));
  }
  for (std::size_t c = 0; c < w.cities.size(); ++c)
    if (cityMentioned[c]) sentences.push_back(w.cities[c] + " is a city in " + w.countries[w.cityCountry[c]] + ".");
  // Distractors look like facts but answer nothing asked ("visited" is not "lives in").
  std::uniform_int_distribution<std::size_t> anyPerson(0, w.people.size() - 1), anyCity(0, w.cities.size() - 1);
  for (int i = 0; i < band.distractors; ++i)
    sentences.push_back(w.people[anyPerson(rng_)].name + " visited " + w.cities[anyCity(rng_)] + " last year.");
  for (int i = 0; i < band.fillers; ++i) sentences.push_back(filler(w));
  std::shuffle(sentences.begin(), sentences.end(), rng_);

  DemoExample ex;
  ex.band = bandIndex;
  ex.document = paragraphs(sentences);

  const auto& person = w.people[anyPerson(rng_)];
  std::uniform_int_distribution<std::size_t> anyCompany(0, w.companies.size() - 1);
  const auto& company = w.companies[anyCompany(rng_)];
  std::uniform_int_distribution<int> year(0, DemoWorld::kYears - 1);
  int y1 = year(rng_), y2 = year(rng_);
  while (y2 == y1) y2 = year(rng_);
  if (y1 > y2) std::swap(y1, y2);
  const std::string ys1 = std::to_string(DemoWorld::kFirstYear + y1), ys2 = std::to_string(DemoWorld::kFirstYear + y2);
  std::string think;

  std::uniform_real_distribution<double> u(0, 1);
  const double pickKind = u(rng_);
  if (pickKind < 0.30) {
    think = askChain(w, person, /*country=*/true, ex);
  } else if (pickKind < 0.50) {
    think = askChain(w, person, /*country=*/false, ex);
  } else if (pickKind < 0.75) {
    ex.kind = "revenue";
    ex.dataSource = "demo_docmath";
    ex.question = "What was the revenue of " + company.name + " in " + ys1 + ", in millions?";
    ex.answer = std::to_string(company.revenue[y1]);
    think = revenueSentence(company, y1);
  } else if (pickKind < 0.87) {
    ex.kind = "revenue_sum";
    ex.dataSource = "demo_docmath";
    const int a = company.revenue[y1], b = company.revenue[y2];
    ex.question = "What was the total revenue of " + company.name + " in " + ys1 + " and " + ys2 + ", in millions?";
    ex.answer = std::to_string(a + b);
    think = revenueSentence(company, y1) + " " + revenueSentence(company, y2) + " " + std::to_string(a) + " + " +
            std::to_string(b) + " = " + ex.answer + ".";
  } else if (pickKind < 0.97) {
    ex.kind = "revenue_change";
    ex.dataSource = "demo_docmath";
    const int a = company.revenue[y1], b = company.revenue[y2];
    ex.question =
        "By how much did the revenue of " + company.name + " change from " + ys1 + " to " + ys2 + ", in millions?";
    ex.answer = std::to_string(b - a);
    think = revenueSentence(company, y1) + " " + revenueSentence(company, y2) + " " + std::to_string(b) + " - " +
            std::to_string(a) + " = " + ex.answer + ".";
  } else {
    ex.kind = "revenue_percent";
    ex.dataSource = "demo_docmath";
    const int a = company.revenue[y1], b = company.revenue[y2];
    ex.question = "By what percentage did the revenue of " + company.name + " change from " + ys1 + " to " + ys2 + "?";
    ex.answer = formatPercent(100.0 * (b - a) / a);
    think = revenueSentence(company, y1) + " " + revenueSentence(company, y2) + " (" + std::to_string(b) + " - " +
            std::to_string(a) + ") / " + std::to_string(a) + " = " + ex.answer + "%.";
  }
  ex.targetResponse = "<think>" + think + "</think> Therefore, the answer is " + ex.answer + ".";
  return ex;
}

}  // namespace longrl::demo
