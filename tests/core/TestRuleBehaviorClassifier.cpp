#include <QtTest/QtTest>

#include <string>
#include <vector>

#include "core/behavior/BehaviorRecord.h"
#include "core/behavior/GroupBehaviorClassifier.h"
#include "core/behavior/Recomputation.h"
#include "core/behavior/RuleBehaviorClassifier.h"
#include "core/behavior/TraceSteps.h"
#include "core/grounding/GroundingWord.h"

using namespace longrl::behavior;

namespace {

std::string cut(const std::string& s, size_t begin, size_t end) { return s.substr(begin, end - begin); }

// The spans of `kind` as (step text, cue text) pairs.
std::vector<std::pair<std::string, std::string>> marked(const std::string& response, const BehaviorRecord& r,
                                                        BehaviorKind kind) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& s : r.spans)
    if (s.kind == kind) out.push_back({cut(response, s.begin, s.end), cut(response, s.cueBegin, s.cueEnd)});
  return out;
}

using Marks = std::vector<std::pair<std::string, std::string>>;

const std::string kDoc =
    "Intro text here about nothing in particular. The quick brown fox jumps over the lazy dog near the old "
    "river bank today. Other stuff follows about finance and markets. In the spring session the committee "
    "approved the new budget for the eastern district in early march after a long debate. The mayor said "
    "little. REVENUE, in fiscal 2023, rose to $4.2 billion (up 12%) from the prior year.";

}  // namespace

class TestRuleBehaviorClassifier : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void stepsAreLinesAndSentences() {
    const std::string t = "Dr. Smith said 3.5 units. e.g. the first one! Is it?\n\n1. Find the table.\n  - a. Read it.";
    std::vector<std::string> steps;
    for (const auto& s : splitTraceSteps(t, 0, t.size())) steps.push_back(cut(t, s.begin, s.end));
    const std::vector<std::string> want = {"Dr. Smith said 3.5 units.", "e.g. the first one!", "Is it?",
                                           "1. Find the table.", "- a. Read it."};
    QCOMPARE(steps, want);
    const std::string zh = "首先，找到收入。然后比较！对吗？";
    QCOMPARE(splitTraceSteps(zh, 0, zh.size()).size(), size_t(3));
  }

  void tokensFoldCaseAndContractions() {
    const std::string t = "Let's double-check: That’s 3.5, OK?";
    std::vector<CueToken> tokens;
    tokenizeCues(t, 0, t.size(), tokens);
    std::vector<std::string> texts;
    for (const auto& k : tokens) texts.push_back(k.text);
    const std::vector<std::string> want = {"lets", "double", "check", ":", "thats", "3.5", ",", "ok", "?"};
    QCOMPARE(texts, want);
    QCOMPARE(cut(t, tokens[4].begin, tokens[4].end), std::string("That’s"));
  }

  void reasoningIsBeforeTheLastThinkEnd() {
    const std::string r = "  <think>\nabc</think>x</think>answer";
    const auto [b, e] = RuleBehaviorClassifier::reasoningRange(r);
    QCOMPARE(cut(r, b, e), std::string("\nabc</think>x"));
    const std::string cutOff = "First, no end tag";
    QCOMPARE(RuleBehaviorClassifier::reasoningRange(cutOff), std::make_pair(size_t(0), cutOff.size()));
  }

  // Sub-goals: sequencing words with their comma, numbered steps, enumerations; not "Second
  // quarter" or "Then the answer", and nothing in the answer after </think>.
  void subgoals() {
    const std::string r =
        "<think>\nOkay, first, I need to find the revenue for 2023.\nStep 2: compare it with 2022.\n"
        "1. Locate the table.\nThe second quarter was weak.\nThen the answer is 5.\nI need to find the dates. "
        "Let's break it down.\n</think>\nFirst, the answer is 5.";
    const auto rec = RuleBehaviorClassifier().classify(r);
    QCOMPARE(rec.classifier, std::string("rule"));
    QCOMPARE(rec.steps, 7);
    QCOMPARE(rec.subgoal, 5);
    QCOMPARE(rec.backtracking, 0);
    QCOMPARE(rec.verification, 0);
    const Marks want = {{"Okay, first, I need to find the revenue for 2023.", "first,"},
                        {"Step 2: compare it with 2022.", "Step 2"},
                        {"1. Locate the table.", "1."},
                        {"I need to find the dates.", "I need to find"},
                        {"Let's break it down.", "Let's break"}};
    QCOMPARE(marked(r, rec, BehaviorKind::Subgoal), want);
  }

  // Backtracking: interjections opening a step or followed by punctuation, admitted errors,
  // reconsidering in a frame. "I actually went", "No matter", "The board will reconsider" and
  // "Instead of" are plain text.
  void backtracking() {
    const std::string r =
        "Wait, the table says 12.\nI actually went back to the start.\nActually the total is 14.\nNo, that is "
        "wrong.\nNo matter what, it holds.\nHmm, let me reconsider the dates.\nThe board will reconsider the "
        "policy.\nInstead of waiting, they sold.\nBut that doesn't seem right.";
    const auto rec = RuleBehaviorClassifier().classify(r);
    QCOMPARE(rec.steps, 9);
    QCOMPARE(rec.backtracking, 5);
    QCOMPARE(rec.subgoal + rec.verification, 0);
    const Marks want = {{"Wait, the table says 12.", "Wait"},
                        {"Actually the total is 14.", "Actually"},
                        {"No, that is wrong.", "No,"},
                        {"Hmm, let me reconsider the dates.", "let me reconsider"},
                        {"But that doesn't seem right.", "that doesn't seem right"}};
    QCOMPARE(marked(r, rec, BehaviorKind::Backtracking), want);
  }

  // Verification: checking verbs in a frame or opening a step, double-checks, confirmed results,
  // and re-computations (a result that repeats an earlier one). "The auditors verified" is not.
  void verification() {
    const std::string r =
        "Let me check the second paragraph.\nSo 12 × 3 = 36.\nDouble-check: 36 / 3 = 12.\n"
        "Checking again: 4 × 9 = 36.\nThen 30 + 6 = 36.\nThe auditors verified the accounts.\n"
        "This confirms the total.\nSo 2 + 2 = 4.";
    const auto rec = RuleBehaviorClassifier().classify(r);
    QCOMPARE(rec.steps, 8);
    QCOMPARE(rec.verification, 5);
    QCOMPARE(rec.subgoal + rec.backtracking, 0);
    const Marks want = {{"Let me check the second paragraph.", "Let me check"},
                        {"Double-check: 36 / 3 = 12.", "Double-check"},
                        {"Checking again: 4 × 9 = 36.", "Checking"},
                        {"Then 30 + 6 = 36.", "30 + 6 = 36"},
                        {"This confirms the total.", "This confirms"}};
    QCOMPARE(marked(r, rec, BehaviorKind::Verification), want);
  }

  void oneStepMayShowSeveralBehaviours() {
    const std::string r = "Wait, let me verify that.";
    const auto rec = RuleBehaviorClassifier().classify(r);
    QCOMPARE(rec.steps, 1);
    QCOMPARE(rec.backtracking, 1);
    QCOMPARE(rec.verification, 1);
    QCOMPARE(rec.spans.size(), size_t(2));
    QCOMPARE(rec.spans[0].begin, rec.spans[1].begin);
    QCOMPARE(cut(r, rec.spans[1].cueBegin, rec.spans[1].cueEnd), std::string("let me verify"));
  }

  void chineseCues() {
    const std::string r = "首先，我需要找到收入。等等，这不对。让我检查一下表格。收入是十二。";
    const auto rec = RuleBehaviorClassifier().classify(r);
    QCOMPARE(rec.steps, 4);
    QCOMPARE(marked(r, rec, BehaviorKind::Subgoal), (Marks{{"首先，我需要找到收入。", "首先"}}));
    QCOMPARE(marked(r, rec, BehaviorKind::Backtracking), (Marks{{"等等，这不对。", "等等"}}));
    QCOMPARE(marked(r, rec, BehaviorKind::Verification), (Marks{{"让我检查一下表格。", "让我检查"}}));
  }

  void plainTextHasNoBehaviours() {
    const std::string r =
        "The committee met in March. I actually went to the second meeting, and no one objected. They "
        "will check the figures next year. The total rose 12% to $4.2 billion, after 2021-2022 = a hard year. "
        "Then the mayor left.";
    const auto rec = RuleBehaviorClassifier().classify(r);
    QCOMPARE(rec.subgoal + rec.backtracking + rec.verification, 0);
    QVERIFY(rec.spans.empty());
  }

  void arithmeticExpressions() {
    const std::string t = "(3 + 4) \\times 2 = 14, then $1,200 * 2 ≈ 2,400 and 7×2=14.0; a1 + 2 = 3";
    const auto found = findArithmetic(t, 0, t.size());
    QCOMPARE(found.size(), size_t(3));
    QCOMPARE(cut(t, found[0].begin, found[0].end), std::string("3 + 4) \\times 2 = 14"));
    QCOMPARE(found[1].result, 2400.0);
    QVERIFY(!found[1].repeats);
    QCOMPARE(cut(t, found[2].begin, found[2].end), std::string("7×2=14.0"));
    QVERIFY(found[2].repeats);
  }

  // Share of the reasoning's words in aligned spans; passages count distinct document ranges.
  void groundingShare() {
    const std::string quote = "the committee approved the new budget for the eastern district in early march";
    const std::string r = "<think>\nThe text says: " + quote + ". So the answer is march.\n</think>\nMarch, " + quote;
    const longrl::grounding::GroundingAligner aligner;
    const longrl::grounding::GroundingIndex index(kDoc, aligner.options().ngram);
    const auto rec = RuleBehaviorClassifier().classify(r, index, aligner);
    QVERIFY(rec.groundingShare.has_value());
    const double quoteWords = double(longrl::grounding::tokenizeForGrounding(quote).size());
    QCOMPARE(*rec.groundingShare, quoteWords / (quoteWords + 8));  // "The text says", "So the answer is march"
    QCOMPARE(rec.passages, 1);

    const std::string twice = r.substr(0, r.find("</think>")) + "Again: " + quote +
                              ". And the fox jumps over the lazy dog near the old river bank.";
    const auto rec2 = RuleBehaviorClassifier().classify(twice, index, aligner);
    QCOMPARE(rec2.passages, 2);  // the same passage quoted twice counts once

    const auto none = RuleBehaviorClassifier().classify("<think>Nothing from the text.</think>x", index, aligner);
    QCOMPARE(*none.groundingShare, 0.0);
    QCOMPARE(none.passages, 0);
    QVERIFY(!RuleBehaviorClassifier().classify(r).groundingShare);
  }

  // A group shares its document's index; without a document or with grounding off, no share.
  void groupOfOneDocument() {
    const std::string quoting =
        "<think>It says the quick brown fox jumps over the lazy dog near the old river "
        "bank. First, check.</think>fox";
    const std::string plain = "<think>Wait, no idea.</think>none";
    const auto recs = GroupBehaviorClassifier().classify(kDoc, {quoting, plain});
    QCOMPARE(recs.size(), size_t(2));
    QVERIFY(*recs[0].groundingShare > 0.5);
    QCOMPARE(recs[0].passages, 1);
    QCOMPARE(recs[0].subgoal, 1);
    QCOMPARE(*recs[1].groundingShare, 0.0);
    QCOMPARE(recs[1].backtracking, 1);
    QVERIFY(!GroupBehaviorClassifier().classify("", {quoting})[0].groundingShare);
    QVERIFY(!GroupBehaviorClassifier(false).classify(kDoc, {quoting})[0].groundingShare);
    QCOMPARE(GroupBehaviorClassifier(false).classify(kDoc, {quoting})[0].subgoal, 1);
  }

  void recordRoundTripsThroughJson() {
    const std::string r = "First, let me check. Wait, no.";
    BehaviorRecord rec = RuleBehaviorClassifier().classify(r);
    rec.groundingShare = 0.25;
    rec.passages = 3;
    QVERIFY(!rec.spans.empty());
    QCOMPARE(BehaviorRecord::fromJson(rec.toJson()), rec);
    rec.groundingShare.reset();
    QCOMPARE(BehaviorRecord::fromJson(rec.toJson()), rec);
  }

  void badJsonNamesTheField() {
    auto fails = [](const std::string& text, const std::string& want) {
      try {
        BehaviorRecord::fromJson(text);
      } catch (const std::runtime_error& e) {
        if (std::string(e.what()).find(want) != std::string::npos) return true;
        qWarning("%s", e.what());
      }
      return false;
    };
    QVERIFY(fails("{", "not JSON"));
    QVERIFY(fails(R"({"classifier":"rule","backtracking":0,"verification":0})", "'subgoal' is missing"));
    QVERIFY(fails(R"({"classifier":"rule","subgoal":"2","backtracking":0,"verification":0})",
                  "'subgoal' has the wrong type"));
    QVERIFY(fails(R"({"classifier":"rule","subgoal":-1,"backtracking":0,"verification":0})", "'subgoal' is negative"));
    QVERIFY(fails(R"({"classifier":"rule","subgoal":0,"backtracking":0,"verification":0,"grounding_share":2})",
                  "'grounding_share' is outside"));
    QVERIFY(fails(R"({"classifier":"rule","subgoal":0,"backtracking":0,"verification":0,)"
                  R"("spans":[{"begin":1,"end":2,"kind":"doubt"}]})",
                  "span 0: 'kind'"));
    QVERIFY(fails(R"({"classifier":"rule","version":"one","subgoal":0,"backtracking":0,"verification":0})",
                  "'version' has the wrong type"));
    QVERIFY(fails(R"({"classifier":"rule","subgoal":0,"backtracking":0,"verification":0,)"
                  R"("spans":[{"begin":1,"end":2,"kind":"subgoal","cue_end":"x"}]})",
                  "span 0: 'cue_end' has the wrong type"));
  }
};

QTEST_GUILESS_MAIN(TestRuleBehaviorClassifier)
#include "TestRuleBehaviorClassifier.moc"
