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
  // Small enough that a 1M-parameter model trains on all three bands within the demo's minutes.
  static const std::vector<Band> b = {{2, 1, 1, 1}, {4, 2, 3, 4}, {8, 4, 6, 10}};
  return b;
}

std::string DemoExampleGenerator::filler(const DemoWorld& w) {
  static const char* const templates[] = {
      "The old market of {c} opens early on most days.", "Travellers often describe {c} as quiet in winter.",
      "The river near {c} floods every few years.",      "A new library was built in {c} a decade ago.",
      "Many visitors to {c} arrive by train.",           "The harbour of {c} is busy in the summer."};
  std::uniform_int_distribution<std::size_t> t(0, std::size(templates) - 1), c(0, w.cities.size() - 1);
  std::string s = templates[t(rng_)];
  return s.replace(s.find("{c}"), 3, w.cities[c(rng_)]);
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
  std::uniform_int_distribution<int> paragraph(3, 6);
  for (std::size_t i = 0; i < sentences.size();) {
    const std::size_t n = static_cast<std::size_t>(paragraph(rng_));
    for (std::size_t j = 0; j < n && i < sentences.size(); ++j, ++i) {
      if (j > 0) ex.document += ' ';
      ex.document += sentences[i];
    }
    if (i < sentences.size()) ex.document += "\n\n";
  }

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
    ex.kind = "lives_in_country";
    ex.dataSource = "demo_multihoprag";
    const std::string& city = w.cities[person.city];
    ex.question = "In which country does " + person.name + " live?";
    ex.answer = w.countries[w.cityCountry[person.city]];
    think = person.name + " lives in " + city + ". " + city + " is a city in " + ex.answer + ".";
  } else if (pickKind < 0.50) {
    ex.kind = "company_city";
    ex.dataSource = "demo_multihoprag";
    const auto& co = w.companies[person.company];
    ex.question = "In which city is the company that " + person.name + " works for based?";
    ex.answer = w.cities[co.city];
    think = person.name + " works for " + co.name + ". " + co.name + " is based in " + ex.answer + ".";
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
    ex.question = "By how much did the revenue of " + company.name + " change from " + ys1 + " to " + ys2 +
                  ", in millions?";
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
