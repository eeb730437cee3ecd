#include "trainer/model/SharedPromptCheckpoint.h"

#include <stdexcept>

#include <torch/csrc/autograd/engine.h>

#include "trainer/model/KvCache.h"

namespace longrl::model {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// What the backward needs to run the layer again besides its saved inputs.
struct SharedCall : torch::CustomClassHolder {
  std::shared_ptr<QwenDecoderLayerImpl> layer;
  int64_t numLayers = 0;
  SharedPromptCheckpoint::Rotary prompt, responses;

  std::pair<Tensor, Tensor> run(const Tensor& p, const Tensor& r) const {
    const int64_t P = p.size(1), n = r.size(0);
    KvCache cache(numLayers, P + r.size(1));
    auto promptOut = layer->forward(p, prompt.cos, prompt.sin, {}, &cache);
    const auto i64 = torch::TensorOptions().dtype(torch::kInt64).device(p.device());
    cache.commit(torch::ones({1, P}, i64.dtype(torch::kBool)), torch::arange(P, i64).unsqueeze(0), true);
    cache.expand(n);
    return {promptOut, layer->forward(r, responses.cos, responses.sin, {}, &cache)};
  }
};

struct SharedPromptFunction : public torch::autograd::Function<SharedPromptFunction> {
  static variable_list forward(AutogradContext* ctx, const Tensor& p, const Tensor& r,
                               const c10::intrusive_ptr<SharedCall>& call) {
    torch::NoGradGuard noGrad;
    auto [promptOut, responsesOut] = call->run(p, r);
    ctx->save_for_backward({p, r});
    ctx->saved_data["call"] = c10::IValue::make_capsule(c10::intrusive_ptr<torch::CustomClassHolder>(call));
    ctx->set_materialize_grads(false);
    return {promptOut, responsesOut};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    if (!torch::autograd::Engine::get_default_engine().is_checkpoint_valid())
      throw std::runtime_error(
          "gradient checkpointing: the recomputed layer's parameter gradients reach only .grad, so it works with "
          "backward() but not with torch::autograd::grad or backward(inputs=...)");
    const auto saved = ctx->get_saved_variables();
    const auto holder = ctx->saved_data["call"].toCapsule();
    const auto& call = *static_cast<const SharedCall*>(holder.get());
    Tensor p = saved[0].detach().requires_grad_(saved[0].requires_grad());
    Tensor r = saved[1].detach().requires_grad_(saved[1].requires_grad());
    variable_list outputs, outputGrads;
    {
      torch::AutoGradMode enable(true);
      auto [promptOut, responsesOut] = call.run(p, r);
      for (auto [out, grad] : {std::make_pair(promptOut, grads[0]), std::make_pair(responsesOut, grads[1])})
        if (grad.defined()) {
          outputs.push_back(out);
          outputGrads.push_back(grad);
        }
    }
    if (outputs.empty()) return {Tensor(), Tensor(), Tensor()};
    torch::autograd::backward(outputs, outputGrads);
    return {p.requires_grad() ? p.grad() : Tensor(), r.requires_grad() ? r.grad() : Tensor(), Tensor()};
  }
};

}  // namespace

std::pair<Tensor, Tensor> SharedPromptCheckpoint::forward(QwenDecoderLayer& layer, int64_t numLayers, const Tensor& p,
                                                          const Tensor& r, const Rotary& promptRotary,
                                                          const Rotary& responseRotary) {
  if (p.dim() != 3 || p.size(0) != 1 || r.dim() != 3)
    throw std::invalid_argument("SharedPromptCheckpoint: prompt must be [1, P, hidden], responses [n, T, hidden]");
  auto call = c10::make_intrusive<SharedCall>();
  call->layer = layer.ptr();
  call->numLayers = numLayers;
  call->prompt = promptRotary;
  call->responses = responseRotary;
  if (!torch::GradMode::is_enabled() || !(p.requires_grad() || r.requires_grad())) return call->run(p, r);
  auto outputs = SharedPromptFunction::apply(p, r, call);
  return {outputs[0], outputs[1]};
}

}  // namespace longrl::model
