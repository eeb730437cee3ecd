#pragma once
#include <cstdint>
#include <string>

namespace longrl::test {

// Writes a run store with the shape of a real QwenLong-L1 run (three phases, verl metric names,
// noisy curves) so GUI tests and screenshots have something realistic to show. Test data only.
struct SyntheticRunOptions {
  std::string name = "synthetic";
  std::int64_t steps = 300;
  std::int64_t firstStep = 0;
  int phases = 3;
  unsigned seed = 1;
  std::string status = "running";
};

// Writes steps [firstStep, firstStep + steps) into runDir/run.sqlite; returns the number of metric points written.
std::int64_t writeSyntheticRun(const std::string& runDir, const SyntheticRunOptions& options);

}  // namespace longrl::test
