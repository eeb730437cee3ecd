#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/store/AnnotationRecord.h"

namespace longrl::store {

// One change a person made to a run's labels, as it travels from the studio's copy of a remote
// run to the run's own store: set a label, remove one (undo of a first label), or let a trainer
// that waits at a phase boundary go on. `seq` orders the changes of one sender (its outbox); the
// receiving store applies each sender's seq at most once, so a batch sent again after a lost
// reply changes nothing.
struct AnnotationOp {
  enum class Kind { Set, Remove, Continue };
  std::int64_t seq = 0;
  Kind kind = Kind::Set;
  AnnotationRecord annotation;  // Set: every field; Remove: example_id and author; Continue: author
  int phase = -1;               // Continue: the phase whose end the trainer waits at
  double time = 0.0;            // when the person made the change (seconds since the epoch)

  static const char* kindName(Kind kind);
  // The kind kindName() names; throws StoreError for any other name.
  static Kind kindFromName(const std::string& name);
};

// {"seq":..,"op":"set"|"remove"|"continue", ...}. annotationOpFromJson is strict: a missing or
// wrong field throws StoreError naming it.
nlohmann::json toJson(const AnnotationOp& op);
AnnotationOp annotationOpFromJson(const nlohmann::json& j);

}  // namespace longrl::store
