#pragma once
#include <optional>
#include <vector>

#include "core/store/PhaseInfo.h"

namespace longrl::viewers {

// The "step in phase" x axis: each run's steps counted from the start of one of its phases, so
// that phase of several runs overlays even when earlier phases (or an SFT warm-up) took a
// different number of steps. x = step - offset, with offset = the phase's start step - 1: the
// phase's first step is x = 1 (phase 1 of a run that starts at step 1 reads as the step axis).
class PhaseAlignment {
 public:
  // The phase a run is in (0-based index): the running one, else the latest started one (not
  // pending) that starts at or before `lastStep`; -1 when none has.
  static int currentPhase(const std::vector<store::PhaseInfo>& phases, double lastStep);
  // The offset for phase `phase` (1-based; 0: the run's current phase), or none when the run has
  // not started that phase.
  static std::optional<double> offset(const std::vector<store::PhaseInfo>& phases, int phase, double lastStep);
};

}  // namespace longrl::viewers
