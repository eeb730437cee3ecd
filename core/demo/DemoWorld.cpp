#include "core/demo/DemoWorld.h"

#include <algorithm>
#include <numeric>

namespace longrl::demo {

namespace {
std::vector<std::string> makeNames(const std::vector<std::string>& a, const std::vector<std::string>& b,
                                   const std::string& suffix, std::size_t count) {
  std::vector<std::string> out;
  for (const auto& x : a)
    for (const auto& y : b) {
      if (out.size() == count) return out;
      out.push_back(x + y + suffix);
    }
  return out;
}

template <class T> std::vector<T> pick(std::mt19937_64& rng, const std::vector<T>& pool, std::size_t n) {
  std::vector<std::size_t> idx(pool.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::shuffle(idx.begin(), idx.end(), rng);
  std::vector<T> out;
  for (std::size_t i = 0; i < n && i < idx.size(); ++i) out.push_back(pool[idx[i]]);
  return out;
}
}  // namespace

const std::vector<std::string>& DemoWorld::personNames() {
  static const auto names = makeNames({"Tor", "Mal", "Ser", "Vin", "Kal", "Dor", "Lem", "Rho", "Zan", "Bel"},
                                      {"ik", "ena", "ath", "ora", "us", "ia", "en", "o"}, "", 80);
  return names;
}
const std::vector<std::string>& DemoWorld::cityNames() {
  static const auto names =
      makeNames({"Kel", "Brin", "Ost", "Var", "Quel", "Ard"}, {"mar", "holt", "wick", "ora", "dun"}, "", 30);
  return names;
}
const std::vector<std::string>& DemoWorld::countryNames() {
  static const auto names = makeNames({"Dravia", "Solmar", "Ketrun", "Ombra", "Velland", "Pyrr"}, {""}, "", 6);
  return names;
}
const std::vector<std::string>& DemoWorld::companyNames() {
  static const auto names =
      makeNames({"Brim", "Quor", "Tessel", "Nor", "Vant"}, {"co", "tek", "works", "line"}, "", 20);
  return names;
}

DemoWorld DemoWorld::sample(std::mt19937_64& rng, int people, int companies) {
  DemoWorld w;
  w.countries = pick(rng, countryNames(), 3);
  w.cities = pick(rng, cityNames(), std::max(3, people / 2 + 1));
  std::uniform_int_distribution<int> country(0, static_cast<int>(w.countries.size()) - 1);
  for (std::size_t c = 0; c < w.cities.size(); ++c) w.cityCountry.push_back(country(rng));
  std::uniform_int_distribution<int> city(0, static_cast<int>(w.cities.size()) - 1);
  std::uniform_int_distribution<int> base(20, 90), step(-15, 25);
  for (const auto& name : pick(rng, companyNames(), static_cast<std::size_t>(std::max(1, companies)))) {
    Company co{name, city(rng), {}};
    int r = base(rng);
    for (int y = 0; y < kYears; ++y) {
      co.revenue.push_back(r);
      r = std::max(5, r + step(rng));
    }
    w.companies.push_back(std::move(co));
  }
  std::uniform_int_distribution<int> company(0, static_cast<int>(w.companies.size()) - 1);
  for (const auto& name : pick(rng, personNames(), static_cast<std::size_t>(people)))
    w.people.push_back(Person{name, city(rng), company(rng)});
  return w;
}

}  // namespace longrl::demo
