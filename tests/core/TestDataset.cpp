#include <QtTest/QtTest>

#include <fstream>

#include "core/dataset/DatasetError.h"
#include "core/dataset/DatasetReader.h"
#include "core/dataset/DatasetWriter.h"
#include "core/dataset/PromptTemplate.h"
#include "support/TestPaths.h"

using namespace longrl::dataset;
using nlohmann::json;

namespace {

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// The QwenLong-L1 prompt, spelled out independently of PromptTemplate.
std::string l1Prompt(const std::string& doc, const std::string& q) {
  return "Please read the following text and answer the question below.\n\n<text>\n" + doc + "\n</text>\n\n" + q +
         "\n\nFormat your response as follows: \"Therefore, the answer is (insert answer here)\".";
}

std::string verlLine(const std::string& doc, const std::string& q, const json& gt, int index) {
  json j = {{"data_source", "multihoprag"},
            {"prompt", json::array({{{"role", "user"}, {"content", l1Prompt(doc, q)}}})},
            {"ability", "doc-qa"},
            {"reward_model", {{"style", "rule"}, {"ground_truth", gt}}},
            {"extra_info", {{"index", index}, {"split", "train"}}}};
  return j.dump();
}

}  // namespace

class TestDataset : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void templateIsExactAndParsesBack() {
    const std::string doc = "Line one.\n</text> inside the doc\n\nmore";
    const std::string q = "Who wrote it?";
    QCOMPARE(PromptTemplate::build(doc, q), l1Prompt(doc, q));
    auto parts = PromptTemplate::parse(l1Prompt(doc, q));
    QVERIFY(parts.has_value());
    QCOMPARE(parts->document, doc);
    QCOMPARE(parts->question, q);
    auto empty = PromptTemplate::parse(l1Prompt("", q));
    QVERIFY(empty.has_value());
    QCOMPARE(empty->document, std::string());
    QCOMPARE(empty->question, q);
    // A variant instruction (multiple choice) still yields document and question.
    auto mc = PromptTemplate::parse(
        "Read this.\n<text>\nDOC\n</text>\n\nPick one: (A) x (B) y\n\nFormat your response as follows: \"The correct "
        "answer is (X)\".");
    QVERIFY(mc.has_value());
    QCOMPARE(mc->document, std::string("DOC"));
    QCOMPARE(mc->question, std::string("Pick one: (A) x (B) y"));
    QVERIFY(!PromptTemplate::parse("What is 2+2?").has_value());
  }

  void readsBothFormsWithBomCrlfAndBlankLines() {
    const std::string dir = longrl::test::freshTempDir("dataset-forms");
    const std::string file = dir + "/mixed.jsonl";
    std::string text = "\xEF\xBB\xBF" + verlLine("The sky is blue.", "What colour is the sky?", "blue", 41) + "\r\n";
    text += "\r\n   \n";
    text += verlLine("Doc two", "Q two", json::array({"a", 12.5}), 7) + "\n";
    text +=
        R"({"document": "Paris is in France.", "question": "Where is Paris?", "answer": "France", "data_source": "musique", "note": "kept"})"
        "\r\n";
    text +=
        R"({"prompt": [{"role": "system", "content": "sys"}, {"role": "user", "content": "What is 2+2?"}], "data_source": "docmath", "reward_model": {"ground_truth": 4}})";
    writeFile(file, text);  // no final newline

    const DatasetReadResult res = DatasetReader::readFile(file);
    QCOMPARE(res.skipped, size_t(0));
    QCOMPARE(res.records.size(), size_t(4));
    const DatasetRecord& a = res.records[0];
    QCOMPARE(a.line, int64_t(1));
    QCOMPARE(a.index, int64_t(41));
    QCOMPARE(a.dataSource, std::string("multihoprag"));
    QCOMPARE(a.document, std::string("The sky is blue."));
    QCOMPARE(a.question, std::string("What colour is the sky?"));
    QCOMPARE(a.groundTruth, std::vector<std::string>{"blue"});
    QCOMPARE(a.promptText, l1Prompt("The sky is blue.", "What colour is the sky?"));
    QCOMPARE(a.extraInfo["split"].get<std::string>(), std::string("train"));
    QCOMPARE(a.other, json::parse(R"({"ability": "doc-qa", "reward_model": {"style": "rule"}})"));
    QCOMPARE(a.sourceFile, file);

    QCOMPARE(res.records[1].line, int64_t(4));
    QCOMPARE(res.records[1].groundTruth, (std::vector<std::string>{"a", "12.5"}));

    const DatasetRecord& c = res.records[2];
    QCOMPARE(c.line, int64_t(5));
    QCOMPARE(c.index, int64_t(2));  // no extra_info.index: ordinal in file
    QCOMPARE(c.document, std::string("Paris is in France."));
    QCOMPARE(c.promptText, l1Prompt("Paris is in France.", "Where is Paris?"));
    QCOMPARE(c.other["note"].get<std::string>(), std::string("kept"));

    const DatasetRecord& d = res.records[3];
    QCOMPARE(d.document, std::string());
    QCOMPARE(d.question, std::string("What is 2+2?"));
    QCOMPARE(d.groundTruth, std::vector<std::string>{"4"});
    QVERIFY(d.other.contains("prompt"));  // the system turn is not lost
  }

  void malformedLineNamesFileAndLine() {
    const std::string dir = longrl::test::freshTempDir("dataset-malformed");
    const std::string file = dir + "/bad.jsonl";
    writeFile(file, verlLine("d", "q", "a", 0) + "\n\n{\"document\": \"d\", \"question\": \n" +
                        R"({"question": "q", "answer": "a"})"
                        "\n" +
                        R"({"prompt": [], "data_source": "x", "reward_model": {"ground_truth": "a"}})"
                        "\n" +
                        R"({"question": "q", "answer": [], "data_source": "x"})"
                        "\n" +
                        "[1, 2]\n" + verlLine("d2", "q2", "b", 9) + "\n");
    try {
      DatasetReader::readFile(file);
      QFAIL("expected DatasetError");
    } catch (const DatasetError& e) {
      QCOMPARE(e.line(), int64_t(3));
      const std::string what = e.what();
      QVERIFY2(what.rfind(file + ":3: invalid JSON", 0) == 0, what.c_str());
    }
    const DatasetReadResult res = DatasetReader::readFile(file, {true});
    QCOMPARE(res.records.size(), size_t(2));
    QCOMPARE(res.records[1].line, int64_t(8));
    QCOMPARE(res.skipped, size_t(5));
    QCOMPARE(res.skippedErrors.size(), size_t(5));
    QVERIFY2(res.skippedErrors[1].find(file + ":4: missing key 'data_source'") == 0, res.skippedErrors[1].c_str());
    QVERIFY2(res.skippedErrors[2].find(":5: 'prompt' has no user message") != std::string::npos,
             res.skippedErrors[2].c_str());
    QVERIFY(res.skippedErrors[3].find(":6: 'answer' is an empty list") != std::string::npos);
    QVERIFY(res.skippedErrors[4].find(":7: expected a JSON object") != std::string::npos);
    QVERIFY_THROWS_EXCEPTION(DatasetError, DatasetReader::readFile(dir + "/missing.jsonl"));
  }

  // A record with nothing to read or nothing to ask is refused with its line, not trained on.
  void emptyDocumentOrQuestionNamesTheLine() {
    const std::string file = longrl::test::freshTempDir("dataset-empty") + "/empty.jsonl";
    writeFile(file, std::string(R"({"data_source": "x", "document": " \n ", "question": "q", "answer": "a"})"
                                "\n") +
                        R"({"data_source": "x", "document": "d", "question": "", "answer": "a"})"
                        "\n" +
                        verlLine("", "q", "a", 2) + "\n" +
                        R"({"data_source": "x", "question": "closed-book question", "answer": "a"})"
                        "\n");
    const DatasetReadResult res = DatasetReader::readFile(file, {true});
    QCOMPARE(res.records.size(), size_t(1));
    QCOMPARE(res.records[0].line, int64_t(4));
    QCOMPARE(res.skippedErrors.size(), size_t(3));
    QVERIFY2(res.skippedErrors[0].find(file + ":1: 'document' is empty") == 0, res.skippedErrors[0].c_str());
    QVERIFY2(res.skippedErrors[1].find(file + ":2: 'question' is empty") == 0, res.skippedErrors[1].c_str());
    QVERIFY2(res.skippedErrors[2].find(file + ":3: 'prompt' has an empty document") == 0, res.skippedErrors[2].c_str());
    QVERIFY_THROWS_EXCEPTION(DatasetError, DatasetReader::readFile(file));
  }

  // Found by tests/fuzz/FuzzDatasetReader: a number beyond double (nlohmann's out_of_range, not a
  // parse_error) escaped as a foreign exception instead of a DatasetError / skipped line.
  void numberOverflowIsAMalformedLine() {
    const std::string file = longrl::test::freshTempDir("dataset-overflow") + "/big.jsonl";
    writeFile(file, R"({"data_source": "x", "question": "q", "answer": 1e999})"
                    "\n");
    QVERIFY_THROWS_EXCEPTION(DatasetError, DatasetReader::readFile(file));
    const DatasetReadResult res = DatasetReader::readFile(file, {true});
    QCOMPARE(res.skipped, size_t(1));
    QVERIFY2(res.skippedErrors[0].find(":1: invalid JSON") != std::string::npos, res.skippedErrors[0].c_str());
  }

  // Found by tests/fuzz/FuzzDatasetReader: 60,000 nested arrays overflowed the stack (the value is copied).
  void deepNestingIsAMalformedLine() {
    const std::string file = longrl::test::freshTempDir("dataset-deep") + "/deep.jsonl";
    writeFile(file, R"({"data_source": "x", "question": "q", "answer": "a", "z": )" + std::string(100000, '[') +
                        std::string(100000, ']') + "}\n");
    const DatasetReadResult res = DatasetReader::readFile(file, {true});
    QCOMPARE(res.skipped, size_t(1));
    QVERIFY2(res.skippedErrors[0].find(":1: JSON nests deeper than") != std::string::npos,
             res.skippedErrors[0].c_str());
  }

  void writerAppendsPlainFormThatReadsBack() {
    const std::string dir = longrl::test::freshTempDir("dataset-writer");
    const std::string file = dir + "/saved.jsonl";
    writeFile(file, verlLine("first doc", "first q", "x", 3));  // existing file without final newline
    DatasetRecord r;
    r.dataSource = "docqa-session";
    r.document = "Zürich — 東京\nline 2";
    r.question = "Which cities?";
    r.groundTruth = {"Zürich", "東京"};
    r.extraInfo = {{"index", 100}, {"session", "abc"}};
    r.other = {{"author", "me"}};
    {
      DatasetWriter w(file);
      w.append(r);
      r.groundTruth = {"one"};
      r.extraInfo = nullptr;
      w.append(r);
    }
    const DatasetReadResult res = DatasetReader::readFile(file);
    QCOMPARE(res.records.size(), size_t(3));
    const DatasetRecord& back = res.records[1];
    QCOMPARE(back.line, int64_t(2));
    QCOMPARE(back.document, r.document);
    QCOMPARE(back.question, r.question);
    QCOMPARE(back.groundTruth, (std::vector<std::string>{"Zürich", "東京"}));
    QCOMPARE(back.index, int64_t(100));
    QCOMPARE(back.other, json::parse(R"({"author": "me"})"));
    QCOMPARE(res.records[2].groundTruth, std::vector<std::string>{"one"});
    QVERIFY(res.records[2].extraInfo.is_null());
    QCOMPARE(DatasetWriter::toPlainJson(res.records[2])["answer"].get<std::string>(), std::string("one"));

    DatasetRecord badUtf8 = r;
    badUtf8.question = "bad \xFF byte";
    DatasetWriter w(file);
    QVERIFY_THROWS_EXCEPTION(DatasetError, w.append(badUtf8));
  }
};

QTEST_APPLESS_MAIN(TestDataset)
#include "TestDataset.moc"
