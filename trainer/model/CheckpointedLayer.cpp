#include "trainer/model/CheckpointedLayer.h"

#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

#include <torch/csrc/autograd/engine.h>

namespace longrl::model {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

std::mutex gathersMutex;
std::map<const QwenDecoderLayerImpl*, std::shared_ptr<LayerGather>>& gathers() {
  static std::map<const QwenDecoderLayerImpl*, std::shared_ptr<LayerGather>> all;
  return all;
}

std::shared_ptr<LayerGather> gatherOf(const QwenDecoderLayerImpl& layer) {
  std::lock_guard<std::mutex> lock(gathersMutex);
  const auto it = gathers().find(&layer);
  return it == gathers().end() ? nullptr : it->second;
}

// A sharded layer's full parameters for the scope (nothing for an unsharded one). Releasing only
// frees memory, so an exception may unwind through it without the other ranks.
class Gathered {
 public:
  explicit Gathered(LayerGather* g) : g_(g) {
    if (g_) g_->gather();
  }
  ~Gathered() {
    if (g_) g_->release();
  }
  Gathered(const Gathered&) = delete;
  Gathered& operator=(const Gathered&) = delete;

 private:
  LayerGather* g_;
};

// What the backward needs to run the layer again, besides its saved input: held by the autograd
// node (a capsule in saved_data) until the graph is freed.
struct LayerCall : torch::CustomClassHolder {
  std::shared_ptr<QwenDecoderLayerImpl> layer;
  Tensor cos, sin, fullKeyMask;
  std::shared_ptr<RouterLogitsRecorder> recorder;  // null: a dense model
  bool returnsLogits = false;                      // the recorder was recording at the forward
  std::shared_ptr<LayerGather> gather;             // null: the layer's parameters are whole

  // The layer's output and, for a sparse layer, its router logits (else undefined).
  std::pair<Tensor, Tensor> run(const Tensor& x) const {
    if (!recorder) return {layer->forward(x, cos, sin, fullKeyMask, nullptr), Tensor()};
    recorder->beginCapture();
    Tensor out;
    try {
      out = layer->forward(x, cos, sin, fullKeyMask, nullptr);
    } catch (...) {
      recorder->endCapture();
      throw;
    }
    return {out, recorder->endCapture()};
  }
};

struct CheckpointedLayerFunction : public torch::autograd::Function<CheckpointedLayerFunction> {
  static variable_list forward(AutogradContext* ctx, const Tensor& x, const c10::intrusive_ptr<LayerCall>& call) {
    torch::NoGradGuard noGrad;  // apply() already runs forward without grad: nothing of the layer is kept
    auto [out, logits] = call->run(x);
    ctx->save_for_backward({x});
    ctx->saved_data["call"] = c10::IValue::make_capsule(c10::intrusive_ptr<torch::CustomClassHolder>(call));
    ctx->set_materialize_grads(false);  // an output without gradient (the logits) needs no zeros
    if (call->returnsLogits && logits.defined()) return {out, logits};
    return {out};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    if (!torch::autograd::Engine::get_default_engine().is_checkpoint_valid())
      throw std::runtime_error(
          "gradient checkpointing: the recomputed layer's parameter gradients reach only .grad, so it works with "
          "backward() but not with torch::autograd::grad or backward(inputs=...)");
    const Tensor x = ctx->get_saved_variables()[0];
    const auto holder = ctx->saved_data["call"].toCapsule();
    const auto& call = *static_cast<const LayerCall*>(holder.get());
    Tensor input = x.detach().requires_grad_(true);
    variable_list outputs, outputGrads;
    Gathered full(call.gather.get());
    {
      torch::AutoGradMode enable(true);  // backward runs without grad unless create_graph
      auto [out, logits] = call.run(input);
      if (grads[0].defined()) {
        outputs.push_back(out);
        outputGrads.push_back(grads[0]);
      }
      if (grads.size() > 1 && grads[1].defined()) {
        outputs.push_back(logits);
        outputGrads.push_back(grads[1]);
      }
    }
    if (outputs.empty()) {
      if (call.gather) call.gather->reduceGradients();  // zeros, but every rank reduces each layer
      return {Tensor(), Tensor()};
    }
    // Reentrant: accumulates into the layer's parameters' .grad and into input.grad.
    torch::autograd::backward(outputs, outputGrads);
    if (call.gather) call.gather->reduceGradients();
    return {input.grad(), Tensor()};
  }
};

}  // namespace

Tensor CheckpointedLayer::forward(QwenDecoderLayer& layer, const Tensor& x, const Tensor& cos, const Tensor& sin,
                                  const Tensor& fullKeyMask, const std::shared_ptr<RouterLogitsRecorder>& recorder) {
  const auto gather = gatherOf(*layer);
  if (!torch::GradMode::is_enabled() || !x.requires_grad()) {
    if (gather && torch::GradMode::is_enabled())
      throw std::logic_error(
          "a sharded decoder layer (distributed.shard \"full\") ran with grad on an input that "
          "needs none: its parameters' gradients would miss the ranks' shards");
    Gathered full(gather.get());
    return layer(x, cos, sin, fullKeyMask, nullptr);
  }
  Gathered full(gather.get());
  auto call = c10::make_intrusive<LayerCall>();
  call->gather = gather;
  call->layer = layer.ptr();
  call->cos = cos;
  call->sin = sin;
  call->fullKeyMask = fullKeyMask;
  call->recorder = recorder;
  call->returnsLogits = recorder && recorder->recording();
  auto outputs = CheckpointedLayerFunction::apply(x, call);
  if (outputs.size() > 1) recorder->add(outputs[1]);
  return outputs[0];
}

void CheckpointedLayer::setGather(const QwenDecoderLayerImpl& layer, std::shared_ptr<LayerGather> gather) {
  std::lock_guard<std::mutex> lock(gathersMutex);
  if (gather) gathers()[&layer] = std::move(gather);
  else gathers().erase(&layer);
}

}  // namespace longrl::model
