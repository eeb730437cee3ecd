#include "core/dataset/DatasetWriter.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "core/dataset/DatasetError.h"

namespace longrl::dataset {

nlohmann::json DatasetWriter::toPlainJson(const DatasetRecord& r) {
  nlohmann::json j = nlohmann::json::object();
  // Keys the reader would interpret (e.g. a multi-turn verl `prompt`) are left out: writing them would
  // turn the line back into the verl form.
  if (r.other.is_object())
    for (auto it = r.other.begin(); it != r.other.end(); ++it)
      if (it.key() != "prompt" && it.key() != "reward_model") j[it.key()] = it.value();
  j["data_source"] = r.dataSource;
  j["document"] = r.document;
  j["question"] = r.question;
  if (r.groundTruth.size() == 1) j["answer"] = r.groundTruth.front();
  else j["answer"] = r.groundTruth;
  if (!r.extraInfo.is_null()) j["extra_info"] = r.extraInfo;
  return j;
}

DatasetWriter::DatasetWriter(std::string path) : path_(std::move(path)) {
  // Count existing lines and repair a missing final newline, so an append never glues two records.
  bool needNewline = false;
  {
    std::ifstream in(path_, std::ios::binary);
    std::vector<char> buf(1 << 16);
    char last = '\n';
    while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
      const auto n = static_cast<size_t>(in.gcount());
      line_ += std::count(buf.data(), buf.data() + n, '\n');
      last = buf[n - 1];
    }
    needNewline = last != '\n';
  }
  out_.open(path_, std::ios::binary | std::ios::app);
  if (!out_) throw DatasetError(path_, 0, std::string("cannot open for writing: ") + std::strerror(errno));
  if (needNewline) {
    out_ << '\n';
    ++line_;
  }
}

void DatasetWriter::append(const DatasetRecord& record) {
  std::string text;
  try {
    text = toPlainJson(record).dump();
  } catch (const nlohmann::json::type_error& e) {
    throw DatasetError(path_, line_ + 1, std::string("cannot write record: ") + e.what());
  }
  out_ << text << '\n';
  out_.flush();
  if (!out_) throw DatasetError(path_, line_ + 1, std::string("write failed: ") + std::strerror(errno));
  ++line_;
}

}  // namespace longrl::dataset
