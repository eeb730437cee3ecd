// RolloutGroupCodec: what ranks exchange after generation decodes to exactly what was encoded
// (every field, raw bytes, optional parts), and garbage is rejected.
#include <QtTest/QtTest>

#include "trainer/train/RolloutGroupCodec.h"

using namespace longrl;

class TestRolloutGroupCodec : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void roundTrip();
  void rejectsGarbage();
};

void TestRolloutGroupCodec::roundTrip() {
  std::vector<train::RolloutGroup> groups(2);
  groups[0].exampleIndex = 7;
  groups[0].groupIdx = 3;
  groups[0].genBatch = 1;
  groups[0].kept = true;
  train::RolloutSample s;
  s.sampleIdx = 2;
  s.responseIds = {5, 0, 151643};
  s.text = std::string("caf\xc3\xa9 \xff\xfe half", 13);  // not valid UTF-8
  s.truncated = true;
  s.reward.score = -0.125;
  s.reward.acc = true;
  s.reward.pred = "Oslo";
  s.reward.kind = "docqa";
  s.reward.method = "sub-EM";
  s.reward.rule_score = 1.0 / 3.0;
  s.reward.overlong_penalty = -0.1;
  reward::JudgeResult j;
  j.verdict = reward::JudgeVerdict::No;
  j.raw_reply = "[[NO]]";
  j.user_prompt = "Problem: ...";
  j.http_status = 200;
  j.attempts = 2;
  j.latency_ms = 12.5;
  s.reward.judge = j;
  s.advantage = 0.7071067811865476;
  s.meanEntropy = 3.25;
  s.thinkLen = 9;
  groups[0].samples = {s, train::RolloutSample{}};
  groups[1].exampleIndex = 0;  // a group without samples

  const auto back = train::RolloutGroupCodec::decode(train::RolloutGroupCodec::encode(groups));
  QCOMPARE(back.size(), size_t(2));
  QCOMPARE(back[0].exampleIndex, size_t(7));
  QCOMPARE(back[0].groupIdx, 3);
  QCOMPARE(back[0].genBatch, 1);
  QVERIFY(back[0].kept);
  QVERIFY(!back[1].kept);
  QCOMPARE(back[1].samples.size(), size_t(0));
  QCOMPARE(back[0].samples.size(), size_t(2));
  const auto& b = back[0].samples[0];
  QCOMPARE(b.sampleIdx, 2);
  QCOMPARE(b.responseIds, s.responseIds);
  QCOMPARE(b.text, s.text);
  QVERIFY(b.truncated);
  QCOMPARE(b.reward.score, s.reward.score);
  QVERIFY(b.reward.acc);
  QCOMPARE(*b.reward.pred, std::string("Oslo"));
  QVERIFY(!b.reward.answer_text.has_value());
  QCOMPARE(b.reward.kind, s.reward.kind);
  QCOMPARE(b.reward.method, s.reward.method);
  QCOMPARE(b.reward.rule_score, s.reward.rule_score);  // bit-exact doubles
  QCOMPARE(b.reward.overlong_penalty, s.reward.overlong_penalty);
  QVERIFY(b.reward.judge.has_value());
  QCOMPARE(b.reward.judge->verdict, reward::JudgeVerdict::No);
  QCOMPARE(b.reward.judge->raw_reply, j.raw_reply);
  QCOMPARE(b.reward.judge->user_prompt, j.user_prompt);
  QCOMPARE(b.reward.judge->http_status, 200);
  QCOMPARE(b.reward.judge->attempts, 2);
  QCOMPARE(b.reward.judge->latency_ms, 12.5);
  QCOMPARE(b.advantage, s.advantage);
  QCOMPARE(b.meanEntropy, s.meanEntropy);
  QCOMPARE(b.thinkLen, int64_t(9));
  QVERIFY(!back[0].samples[1].reward.judge.has_value());
  QVERIFY(!back[0].samples[1].reward.pred.has_value());
  QVERIFY(train::RolloutGroupCodec::decode(train::RolloutGroupCodec::encode({})).empty());
}

void TestRolloutGroupCodec::rejectsGarbage() {
  QVERIFY_THROWS_EXCEPTION(std::runtime_error, train::RolloutGroupCodec::decode("not msgpack at all"));
  QVERIFY_THROWS_EXCEPTION(std::runtime_error, train::RolloutGroupCodec::decode(std::string("\x91\x91\x01", 3)));
}

QTEST_APPLESS_MAIN(TestRolloutGroupCodec)
#include "TestRolloutGroupCodec.moc"
