#include <QtTest/QtTest>

#include <limits>
#include <string>
#include <vector>

#include "core/cli/ArgList.h"
#include "core/cli/UsageError.h"

using longrl::cli::ArgList;
using longrl::cli::UsageError;

namespace {

// The UsageError message of take(ArgList(args)); empty when nothing was refused.
template <class Take> QString refusal(Take take, std::vector<std::string> args) {
  ArgList a(std::move(args));
  try {
    take(a);
  } catch (const UsageError& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

}  // namespace

class TestArgList : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void takesSpacedAndEqualsForms() {
    ArgList a({"--response", "x y", "--ground-truth=42", "pos"});
    QCOMPARE(QString::fromStdString(a.require("response")), QString("x y"));
    QCOMPARE(QString::fromStdString(a.require("ground-truth")), QString("42"));
    QCOMPARE(a.takePositionals().size(), size_t(1));
    a.finish();
  }
  void leftoverOptionIsAnError() {
    ArgList a({"--respnse", "x"});
    QVERIFY_THROWS_EXCEPTION(UsageError, a.finish());
  }
  void missingValueIsAnError() {
    ArgList a({"--response"});
    QVERIFY_THROWS_EXCEPTION(UsageError, a.take("response"));
  }
  void numbersAreChecked() {
    ArgList a({"--port", "80x", "--t", "0.5", "--n", "7"});
    QVERIFY_THROWS_EXCEPTION(UsageError, a.takeInt("port", 0, 65535, 1));
    QCOMPARE(a.takeDouble("t", ArgList::Range::atLeast(0), 1.0), 0.5);
    QCOMPARE(a.takeInt("n", 1, 7, 1), 7LL);  // the bounds themselves are allowed
    QCOMPARE(a.takeInt("absent", 0, 10, 7), 7LL);
    QVERIFY(!a.takeInt("absent", 0, 10).has_value());
    QVERIFY(!a.takeDouble("absent", ArgList::Range::atLeast(0)).has_value());
  }
  // Each refusal names the option, the value given and the values allowed.
  void outOfRangeIntegersAreRefusedNamingFlagValueAndRange() {
    QCOMPARE(refusal([](ArgList& a) { a.takeInt("threads", 0, 64, 0); }, {"--threads", "-5"}),
             QString("option --threads expects an integer from 0 to 64, got '-5'"));
    QCOMPARE(refusal([](ArgList& a) { a.takeInt("n", 1, 1024, 1); }, {"--n=1025"}),
             QString("option --n expects an integer from 1 to 1024, got '1025'"));
    QCOMPARE(refusal([](ArgList& a) { a.takeInt("seed", 0, std::numeric_limits<long long>::max(), 0); },
                     {"--seed", "-1"}),
             QString("option --seed expects an integer >= 0, got '-1'"));
  }
  // strtoll clamps 99999999999999999999 to LLONG_MAX: that must be an error, not a huge value.
  void overflowIsAnErrorNotAWrap() {
    const long long max = std::numeric_limits<long long>::max();
    const QString tooBig = refusal([max](ArgList& a) { a.takeInt("max-new-tokens", 1, max, 1); },
                                   {"--max-new-tokens", "99999999999999999999"});
    QVERIFY2(tooBig.contains("--max-new-tokens") && tooBig.contains("99999999999999999999"), qPrintable(tooBig));
    QVERIFY(
        !refusal([max](ArgList& a) { a.takeInt("x", -max - 1, max, 1); }, {"--x", "-99999999999999999999"}).isEmpty());
    QVERIFY(!refusal([](ArgList& a) { a.takeDouble("x", ArgList::Range{}, 1); }, {"--x", "1e999"}).isEmpty());
    ArgList ok({"--x", "9223372036854775807"});
    QCOMPARE(ok.takeInt("x", 0, max, 0), max);
  }
  void nanInfinityAndGarbageAreRefused() {
    for (const char* bad : {"nan", "NaN", "inf", "-inf", "infinity", "", "1.5x", "0x"}) {
      const QString m = refusal([](ArgList& a) { a.takeDouble("temperature", ArgList::Range::atLeast(0), 1); },
                                {"--temperature", bad});
      QVERIFY2(m.startsWith("option --temperature expects a number >= 0, got '"), qPrintable(m));
    }
    QCOMPARE(refusal([](ArgList& a) { a.takeDouble("top-p", ArgList::Range::aboveUpTo(0, 1), 1); }, {"--top-p", "0"}),
             QString("option --top-p expects a number in (0, 1], got '0'"));
    QCOMPARE(refusal([](ArgList& a) { a.takeDouble("lr", ArgList::Range::above(0), 1); }, {"--lr", "-0.5"}),
             QString("option --lr expects a number > 0, got '-0.5'"));
    ArgList a({"--top-p", "1"});
    QCOMPARE(a.takeDouble("top-p", ArgList::Range::aboveUpTo(0, 1), 0.5), 1.0);
  }
  void threadsAreCapped() {
    QVERIFY(ArgList::maxThreads() >= 4 && ArgList::maxThreads() <= 1024);
    for (const char* bad : {"-5", "100000", "99999999999999999999"}) {
      const QString m = refusal([](ArgList& a) { a.takeThreads(); }, {"--threads", bad});
      QVERIFY2(m.contains("--threads") && m.contains(bad), qPrintable(m));
    }
    ArgList a({"--threads", "4"});
    QCOMPARE(a.takeThreads(), 4LL);
    ArgList none({});
    QCOMPARE(none.takeThreads(1), 1LL);
  }
  void valueThatLooksLikeShellStaysAValue() {
    ArgList a({"--text", "a'; rm -rf / #"});
    QCOMPARE(QString::fromStdString(a.require("text")), QString("a'; rm -rf / #"));
  }
};

QTEST_APPLESS_MAIN(TestArgList)
#include "TestArgList.moc"
