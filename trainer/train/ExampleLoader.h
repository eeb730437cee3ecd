#pragma once
#include <string>
#include <vector>

#include "core/config/RunConfig.h"
#include "core/reward/RewardRouter.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/train/TrainExample.h"

namespace longrl::train {

// Reads the training set and prepares every example: the QwenLong-L1 user prompt (the record's
// own user turn when it has one, else PromptTemplate) rendered by the model's chat template with the
// generation prompt, token ids.
// Examples whose data_source no reward rule handles are skipped and listed in `problems`.
class ExampleLoader {
 public:
  struct Result {
    std::vector<TrainExample> examples;
    std::vector<std::string> problems;  // one line per skipped record
  };
  static Result load(const config::DatasetConfig& dataset, const tokenizer::Tokenizer& tokenizer,
                     const reward::RewardRouter& router);
  static TrainExample prepare(dataset::DatasetRecord record, const tokenizer::Tokenizer& tokenizer);
};

}  // namespace longrl::train
