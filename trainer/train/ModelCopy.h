#pragma once
#include "trainer/model/QwenForCausalLM.h"

namespace longrl::train {

// A deep copy of a model (same config, dtype, device, weights), e.g. the frozen reference policy.
class ModelCopy {
 public:
  static model::QwenForCausalLM clone(const model::QwenForCausalLM& source);
};

}  // namespace longrl::train
