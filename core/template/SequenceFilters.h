#pragma once
#include <string>

#include "core/template/Value.h"

namespace longrl::jinja::sequencefilters {

// The filters over sequences (first, sort, map, selectattr, ...), apart from Filters' table.
bool boolArg(const CallArgs& args, size_t index, const std::string& name, bool dflt);
Value first(const Value& v, const CallArgs& args);
Value last(const Value& v, const CallArgs& args);
Value toList(const Value& v, const CallArgs& args);
Value reverse(const Value& v, const CallArgs& args);
Value unique(const Value& v, const CallArgs& args);
Value sort(const Value& v, const CallArgs& args);
Value dictsort(const Value& v, const CallArgs& args);
Value map(const Value& v, const CallArgs& args);
Value select(const Value& v, const CallArgs& args);
Value reject(const Value& v, const CallArgs& args);
Value selectattr(const Value& v, const CallArgs& args);
Value rejectattr(const Value& v, const CallArgs& args);
Value minFilter(const Value& v, const CallArgs& args);
Value maxFilter(const Value& v, const CallArgs& args);
Value sum(const Value& v, const CallArgs& args);

}  // namespace longrl::jinja::sequencefilters
