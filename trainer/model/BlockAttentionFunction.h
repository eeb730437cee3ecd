#pragma once
#include "trainer/model/AttentionFunction.h"

namespace longrl::model {

// kernels::BlockAttention as a layer's attention (QwenForCausalLM::setAttentionFunction): online
// softmax over key blocks, memory O(T) instead of the [T, S] scores. A batch with a key mask (the
// engine's left padding) goes to eagerAttention: the block kernel knows only causality and the
// query offset, which is all a training batch (right padding, no mask) needs, and all a group's
// responses over their shared prompt need (KvCache::hasPadding() false). A single query row (a
// decode step) also stays eager. A bidirectional layer (mask.causal false) runs the kernel unmasked.
AttentionFunction blockAttentionFunction();

}  // namespace longrl::model
