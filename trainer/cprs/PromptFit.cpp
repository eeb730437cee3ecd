#include "trainer/cprs/PromptFit.h"

#include "core/cli/UsageError.h"
#include "core/cprs/TextUnits.h"
#include "core/dataset/PromptTemplate.h"
#include "trainer/train/ExampleLoader.h"

namespace longrl::cprs {
namespace {

std::string where(const dataset::DatasetRecord& r) {
  return (r.sourceFile.empty() ? std::string("record") : r.sourceFile) + ":" + std::to_string(r.line);
}

train::TrainExample prepared(dataset::DatasetRecord record, std::string document, const tokenizer::Tokenizer& tok) {
  record.document = std::move(document);
  record.promptText.clear();  // rebuilt from the template around the new document
  return train::ExampleLoader::prepare(std::move(record), tok);
}

}  // namespace

PromptFit PromptFit::fit(const dataset::DatasetRecord& record, const std::string& document,
                         const tokenizer::Tokenizer& tok, int64_t maxPromptTokens) {
  // Only a record in the plain template can take another document.
  if (record.document.empty() ||
      (!record.promptText.empty() &&
       record.promptText != dataset::PromptTemplate::build(record.document, record.question)))
    throw cli::UsageError(where(record) +
                          ": the prompt does not follow the document/question template, so its "
                          "document cannot be cut or replaced");
  PromptFit out;
  out.example = prepared(record, document, tok);
  out.readBytes = document.size();
  if (out.example.inputTokens() <= maxPromptTokens) return out;

  // The longest run of whole pieces (words with the whitespace before them) that fits: binary search.
  const auto pieces = TextUnits::pieces(document);
  auto upTo = [&](std::size_t k) { return document.substr(0, k ? pieces[k - 1].end : 0); };
  auto fits = [&](std::size_t k) { return prepared(record, upTo(k), tok).inputTokens() <= maxPromptTokens; };
  if (const auto bare = prepared(record, "", tok); bare.inputTokens() > maxPromptTokens)
    throw cli::UsageError(where(record) + ": the prompt without its document is " + std::to_string(bare.inputTokens()) +
                          " tokens, more than the " + std::to_string(maxPromptTokens) + " the window leaves");
  std::size_t lo = 0, hi = pieces.size();  // lo pieces fit, hi do not
  while (hi - lo > 1) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  out.example = prepared(record, upTo(lo), tok);
  out.readBytes = lo ? pieces[lo - 1].end : 0;
  out.cut = true;
  return out;
}

}  // namespace longrl::cprs
