#pragma once
#include <string>

namespace longrl::test {

// How the stand-in for `longrl serve` behaves.
struct FakeServe {
  std::string url;             // printed as "serving tiny-model at URL", as the real one does
  bool failAtStart = false;    // exits 3 at once: "error: model directory has no config.json"
  double dieAfterSeconds = 0;  // > 0: exits 4 that long after serving: "error: CUDA out of memory (fake)"
};

// Writes DIR/longrl, an executable shell script standing in for `longrl serve`: it records its
// arguments in DIR/args.txt, then behaves as `how` says (by default serves until terminated).
// Returns the script's path.
std::string writeFakeServeScript(const std::string& dir, const FakeServe& how);

}  // namespace longrl::test
