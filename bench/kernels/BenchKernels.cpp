// Memory and time of the long-context kernels against their naive references (fp32, CPU).
//
// Each configuration runs in a fresh child process (this binary re-executed with --case ...) so that
// peak resident memory (getrusage ru_maxrss) of one configuration cannot mask another's. "extra" is the
// child's peak minus its resident size once the inputs exist; for fwd+bwd it includes the parameter-sized
// gradients (weight gradient: V x H floats = 0.62 GB at V=151,936, H=1,024), which any method needs.
//
//   benchkernels [--threads N (default 1)] [--full] [--quick]
//   --full  also runs chunked log-prob fwd+bwd at T=32,768 (about 11 minutes on 2 cores)
//   --quick small sizes only (a smoke run)
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "bench/BenchArgs.h"
#include "kernels/BlockAttention.h"
#include "kernels/ChunkedLogProbs.h"
#include "kernels/KernelReference.h"

namespace {

using longrl::kernels::BlockAttention;
using longrl::kernels::ChunkedLogProbs;
using longrl::kernels::KernelReference;

constexpr int64_t kHidden = 1024, kVocab = 151936;
constexpr int64_t kHeadsQ = 2, kHeadsKv = 1, kHeadDim = 64;

double residentMb() {
  long pages = 0, resident = 0;
  std::ifstream("/proc/self/statm") >> pages >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

double peakMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // KiB on Linux
}

double cpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// One configuration, in this (child) process. Prints "RESULT wallSeconds extraMiB baseMiB cpuSeconds".
int runCase(const std::string& kind, int64_t T, int64_t chunkOrBlock) {
  torch::manual_seed(0);
  std::vector<torch::Tensor> inputs;
  bool backward = kind.find("bwd") != std::string::npos;
  if (kind.rfind("lp-", 0) == 0) {
    auto hidden = torch::randn({T, kHidden}).mul_(0.5).requires_grad_(backward);
    auto weight = torch::randn({kVocab, kHidden}).mul_(0.05).requires_grad_(backward);  // in place: no temp peak
    auto targets = torch::randint(0, kVocab, {T}, torch::kLong);
    double base = residentMb();
    auto t0 = std::chrono::steady_clock::now();
    double c0 = cpuSeconds();
    torch::Tensor lp, ent;
    if (kind.find("naive") != std::string::npos) {
      torch::AutoGradMode grad(backward);
      std::tie(lp, ent) = KernelReference::logProbsAndEntropy(hidden, weight, targets, 0.7);
    } else {
      ChunkedLogProbs::Options o;
      o.chunk = chunkOrBlock;
      o.temperature = 0.7;
      torch::AutoGradMode grad(backward);
      auto r = ChunkedLogProbs::compute(hidden, weight, targets, o);
      lp = r.logprobs;
      ent = r.entropy;
    }
    if (backward) (lp.sum() + 0.001 * ent.sum()).backward();
    double s = seconds(t0);
    std::printf("RESULT %.3f %.1f %.1f %.3f checksum=%.4f\n", s, peakMb() - base, base, cpuSeconds() - c0,
                lp.sum().item<double>());
    return 0;
  }
  auto q = torch::randn({1, kHeadsQ, T, kHeadDim}).requires_grad_(backward);
  auto k = torch::randn({1, kHeadsKv, T, kHeadDim}).requires_grad_(backward);
  auto v = torch::randn({1, kHeadsKv, T, kHeadDim}).requires_grad_(backward);
  double base = residentMb();
  auto t0 = std::chrono::steady_clock::now();
  double c0 = cpuSeconds();
  torch::Tensor out;
  if (kind.find("naive") != std::string::npos) {
    out = KernelReference::attention(q, k, v, true);
  } else {
    BlockAttention::Options o;
    o.blockQ = o.blockK = chunkOrBlock;
    out = BlockAttention::forward(q, k, v, o);
  }
  if (backward) out.sum().backward();
  double s = seconds(t0);
  std::printf("RESULT %.3f %.1f %.1f %.3f checksum=%.4f\n", s, peakMb() - base, base, cpuSeconds() - c0,
              out.sum().item<double>());
  return 0;
}

struct Outcome {
  bool ok = false;
  double seconds = 0, extraMb = 0, cpu = 0;
};

Outcome runChild(const std::string& self, int threads, const std::string& kind, int64_t T, int64_t param) {
  std::string cmd = self + " --case " + kind + " " + std::to_string(T) + " " + std::to_string(param) + " " +
                    std::to_string(threads) + " 2>&1";
  Outcome o;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return o;
  char line[512];
  while (std::fgets(line, sizeof line, p)) {
    double base = 0;
    if (std::sscanf(line, "RESULT %lf %lf %lf %lf", &o.seconds, &o.extraMb, &base, &o.cpu) == 4) o.ok = true;
  }
  pclose(p);
  std::printf("  %-18s T=%-6lld param=%-5lld  wall %8.2f s  cpu %8.2f s  peak extra %8.1f MiB%s\n", kind.c_str(),
              static_cast<long long>(T), static_cast<long long>(param), o.seconds, o.cpu, o.extraMb,
              o.ok ? "" : "   (FAILED)");
  std::fflush(stdout);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 6 && std::string(argv[1]) == "--case") {
    torch::set_num_threads(std::atoi(argv[5]));
    return runCase(argv[2], std::atoll(argv[3]), std::atoll(argv[4]));
  }
  int threads = 1;  // on 2 shared cores, 2 BLAS threads spun and cost more CPU than they saved
  bool full = false, quick = false;
  longrl::bench::parseArgs(argc, argv, "[--threads N (default 1)] [--full] [--quick]", [&](longrl::cli::ArgList& args) {
    threads = static_cast<int>(args.takeThreads(threads));
    full = args.takeFlag("full");
    quick = args.takeFlag("quick");
  });
  char self[4096] = {0};
  if (readlink("/proc/self/exe", self, sizeof self - 1) <= 0) return 1;
  std::printf(
      "benchkernels: fp32 on CPU (bf16 is not fast on this CPU), torch::set_num_threads(%d), one run each\n"
      "(wall = elapsed, cpu = user+sys of the child: on a loaded machine cpu is the steadier figure)\n",
      threads);
  const double gradWMb = kVocab * kHidden * 4.0 / (1024 * 1024);

  std::printf("\nlog-prob + entropy: H=%lld, V=%lld, temperature 0.7 (weight %.0f MiB, its gradient %.0f MiB)\n",
              static_cast<long long>(kHidden), static_cast<long long>(kVocab), gradWMb, gradWMb);
  const int64_t chunk = 512;
  const int64_t bigT = quick ? 1024 : 32768, midT = quick ? 512 : 4096, naiveT = quick ? 256 : 2048;
  runChild(self, threads, "lp-chunked-fwd", bigT, chunk);
  auto cb = runChild(self, threads, "lp-chunked-fwdbwd", midT, chunk);
  if (full) runChild(self, threads, "lp-chunked-fwdbwd", bigT, chunk);
  auto nb = runChild(self, threads, "lp-naive-fwdbwd", naiveT, 0);
  if (cb.ok && !full)
    std::printf(
        "  chunked fwd+bwd extrapolated to T=%lld: wall %.0f s, cpu %.0f s (linear in T; memory does not\n"
        "  grow with T beyond T x H), run with --full to measure it\n",
        static_cast<long long>(bigT), cb.seconds * bigT / midT, cb.cpu * bigT / midT);
  if (nb.ok)
    std::printf("  naive fwd+bwd extrapolated to T=%lld: %.1f GiB extra (linear in T beyond the weight gradient)\n",
                static_cast<long long>(bigT), ((nb.extraMb - gradWMb) * bigT / naiveT + gradWMb) / 1024.0);

  std::printf("\nattention fwd+bwd: causal, B=1, Hq=%lld, Hkv=%lld, D=%lld\n", static_cast<long long>(kHeadsQ),
              static_cast<long long>(kHeadsKv), static_cast<long long>(kHeadDim));
  const int64_t block = 512;
  std::vector<int64_t> blockTs = quick ? std::vector<int64_t>{2048} : std::vector<int64_t>{16384, 32768, 65536};
  std::vector<int64_t> naiveTs = quick ? std::vector<int64_t>{1024} : std::vector<int64_t>{4096, 8192};
  for (int64_t T : blockTs) runChild(self, threads, "attn-block-fwdbwd", T, block);
  Outcome last;
  int64_t lastT = 0;
  for (int64_t T : naiveTs) {
    last = runChild(self, threads, "attn-naive-fwdbwd", T, 0);
    lastT = T;
  }
  if (last.ok)
    for (int64_t T : blockTs)
      std::printf("  naive extrapolated to T=%lld: %.1f GiB extra (quadratic in T; not run)\n",
                  static_cast<long long>(T), last.extraMb * (double(T) / lastT) * (double(T) / lastT) / 1024.0);
  return 0;
}
