#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace longrl::demo {

// A small invented knowledge graph for the demo's synthetic document-QA data (in the spirit of
// QwenLong-L1.5's synthesis pipeline): people live in cities, work for companies; cities lie in
// countries; companies are based in cities and report yearly revenue. Names come from a fixed,
// modest pool so that each recurs often enough for the demo's BPE tokenizer to give it one token
// (a tiny model learns to copy a token far more easily than a string of characters).
class DemoWorld {
 public:
  struct Person {
    std::string name;
    int city = 0;
    int company = 0;
  };
  struct Company {
    std::string name;
    int city = 0;
    std::vector<int> revenue;  // millions, for years kFirstYear..
  };
  static constexpr int kFirstYear = 2019;
  static constexpr int kYears = 5;

  // A fresh world per document keeps the facts document-specific: an answer can only come from
  // reading the document, not from memorising the training set.
  static DemoWorld sample(std::mt19937_64& rng, int people, int companies);

  static const std::vector<std::string>& personNames();
  static const std::vector<std::string>& cityNames();
  static const std::vector<std::string>& countryNames();
  static const std::vector<std::string>& companyNames();

  std::vector<Person> people;
  std::vector<Company> companies;
  std::vector<std::string> cities;     // names
  std::vector<int> cityCountry;        // index into countries
  std::vector<std::string> countries;  // names
};

}  // namespace longrl::demo
