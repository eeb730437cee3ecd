#include <QtTest/QtTest>

#include "core/cli/ArgList.h"
#include "core/cli/UsageError.h"

using longrl::cli::ArgList;
using longrl::cli::UsageError;

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
    ArgList a({"--port", "80x", "--t", "0.5"});
    QVERIFY_THROWS_EXCEPTION(UsageError, a.takeIntOr("port", 1));
    QCOMPARE(a.takeDoubleOr("t", 1.0), 0.5);
    QCOMPARE(a.takeIntOr("absent", 7), 7LL);
  }
  void valueThatLooksLikeShellStaysAValue() {
    ArgList a({"--text", "a'; rm -rf / #"});
    QCOMPARE(QString::fromStdString(a.require("text")), QString("a'; rm -rf / #"));
  }
};

QTEST_APPLESS_MAIN(TestArgList)
#include "TestArgList.moc"
