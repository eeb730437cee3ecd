#include "core/cli/PlanCommand.h"

#include "core/cli/OptionLimits.h"
#include "core/config/RunConfig.h"
#include "core/plan/MemoryPlan.h"

namespace longrl::cli {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kMaxDeviceGiB = 1024.0 * 1024.0;  // a PiB: far above any one device or machine

}  // namespace

Command planCommand() {
  Command c;
  c.name = "plan";
  c.usage = "--config FILE [--nproc N] [--device-memory GIB] [--micro-batch-tokens N]";
  c.summary = "the memory one rank of a run needs (weights, optimizer, activations, KV cache), as JSON";
  c.run = [](ArgList& args, std::ostream& out, std::ostream&) -> int {
    const std::string configPath = args.require("config");
    const auto nproc = args.takeInt("nproc", 1, limits::kMaxProcesses);
    const auto deviceGiB = args.takeDouble("device-memory", ArgList::Range::aboveUpTo(0, kMaxDeviceGiB));
    const long long micro =
        args.takeInt("micro-batch-tokens", 1, limits::kMaxTokens, plan::PlanOptions{}.microBatchTokens);
    args.finish();
    const config::RunConfig run = config::RunConfig::loadFile(configPath);
    plan::PlanOptions options;
    options.nproc = nproc ? *nproc : run.launch.nproc;
    options.microBatchTokens = micro;
    if (deviceGiB) options.deviceMemoryBytes = *deviceGiB * kGiB;
    const plan::MemoryPlan p = plan::MemoryPlan::forRun(run, options);
    nlohmann::json j = p.toJson();
    if (!p.fits) j["note"] = p.note + ": pass --device-memory GIB for \"fits\"";
    out << j.dump(2) << "\n";
    return 0;
  };
  return c;
}

}  // namespace longrl::cli
