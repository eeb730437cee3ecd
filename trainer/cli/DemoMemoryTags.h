#pragma once
#include <string>
#include <vector>

namespace longrl::cli {

// The memory agent's reply tags as single tokens of the demo's tokenizer. Spelled in bytes,
// `<memory>` and its kin take 6-8 tokens each, ~30 of a ~38-token section reply, and a warm start
// continued on memory-agent SFT copied the facts but not the tags. As added tokens (not special, so
// decoding keeps them) in free rows of the embedding, a reply's tags are four tokens.
class DemoMemoryTags {
 public:
  // <memory>, </memory>, <plan>, </plan>.
  static const std::vector<std::string>& tags();

  // Adds the tags that `modelDir`'s tokenizer lacks as added tokens with the next free ids, in
  // tokenizer.json and tokenizer_config.json. With `meanInit`, each new token's embedding row (and
  // lm_head's when untied) in model.safetensors becomes the mean of the rows of the tokens that
  // spelled the tag before, so the model starts from what it read there. Returns the ids added
  // (none when the tokenizer has every tag). Throws std::runtime_error naming the file when the
  // embedding has no row for an id.
  static std::vector<int> add(const std::string& modelDir, bool meanInit = true);
};

}  // namespace longrl::cli
