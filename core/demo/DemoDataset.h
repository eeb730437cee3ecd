#pragma once
#include <cstdint>
#include <string>

namespace longrl::demo {

// Writes the demo's data into a directory:
//   train.jsonl  RL examples of all three length bands (plain form: document, question, answer, data_source)
//   val.jsonl    held-out examples
//   sft.jsonl    warm-up SFT examples whose answer is the full target response with its <think> evidence
//   corpus.txt   text to train the demo tokenizer on (documents, questions, responses, the prompt template)
//   train-long.jsonl, val-long.jsonl  documents longer than the demo model's window, for a phase in
//                mode "memory" (DemoExampleGenerator::generateBeyondWindow); not in sft or corpus
// Deterministic for a seed.
struct DemoDatasetOptions {
  int trainPerBand = 400;
  int valPerBand = 80;  // 240 held-out examples: a paired change of ~0.04 is then resolvable
  int sftPerBand = 600;
  int longTrain = 40;
  int longVal = 8;
  int longFillers = 520;  // ~5,500 demo-tokenizer tokens of document: beyond the demo model's 4,096
  std::uint64_t seed = 1;
};

struct DemoDatasetFiles {
  std::string train, val, sft, corpus, longTrain, longVal;
  int trainCount = 0, valCount = 0, sftCount = 0;
};

DemoDatasetFiles writeDemoDataset(const std::string& dir, const DemoDatasetOptions& options);

}  // namespace longrl::demo
