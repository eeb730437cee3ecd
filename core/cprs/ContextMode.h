#pragma once
#include <string>
#include <vector>

namespace longrl::cprs {

// How a document longer than the answering model's window reaches it (`longrl compress-eval`):
// cut to the window, compressed first (CPRS), or read section by section by the memory agent.
enum class ContextMode { Truncate, Compress, Memory };

// "truncate" | "compress" | "memory"; anything else throws std::invalid_argument naming `what`.
ContextMode contextModeFromName(const std::string& name, const std::string& what = "context");
std::string contextModeName(ContextMode m);
// A comma-separated list of modes, in the order given, without repeats ("truncate,compress").
std::vector<ContextMode> contextModesFromList(const std::string& list, const std::string& what = "context");

}  // namespace longrl::cprs
