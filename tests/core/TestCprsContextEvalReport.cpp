// compress-eval's table (core/cprs/ContextEvalReport) and its --context list (ContextMode).
#include <QtTest/QtTest>

#include <sstream>
#include <stdexcept>

#include "core/cprs/ContextEvalReport.h"
#include "core/cprs/ContextMode.h"

using namespace longrl::cprs;

class TestCprsContextEvalReport : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void modesParseInTheOrderGiven() {
    const auto m = contextModesFromList("memory,truncate");
    QCOMPARE(m.size(), std::size_t(2));
    QVERIFY(m[0] == ContextMode::Memory && m[1] == ContextMode::Truncate);
    for (const auto mode : {ContextMode::Truncate, ContextMode::Compress, ContextMode::Memory})
      QVERIFY(contextModeFromName(contextModeName(mode)) == mode);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, contextModesFromList("truncate,compres", "--context"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, contextModesFromList("memory,memory"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, contextModesFromList(""));
    try {
      contextModeFromName("full", "--context");
      QFAIL("no throw");
    } catch (const std::invalid_argument& e) {
      QVERIFY(std::string(e.what()).find("--context: 'full'") != std::string::npos);
    }
  }

  void cellsSumPerGroupAndOverAll() {
    ContextEvalReport r({ContextMode::Truncate, ContextMode::Compress, ContextMode::Memory});
    r.add({"10", ContextMode::Truncate, 1.0, 1000, 400, true, 0});
    r.add({"10", ContextMode::Truncate, 0.0, 3000, 400, true, 0});
    r.add({"9", ContextMode::Truncate, 1.0, 200, 200, false, 0});
    r.add({"10", ContextMode::Compress, 1.0, 1000, 100, false, 0});
    r.add({"10", ContextMode::Memory, 0.0, 1000, 1000, false, 3});
    QCOMPARE(r.groups(), (std::vector<std::string>{"9", "10", "all"}));  // numbers by value
    const auto t = r.cell("10", ContextMode::Truncate);
    QCOMPARE(t.examples, int64_t(2));
    QCOMPARE(t.acc(), 0.5);
    QCOMPARE(t.ratio(), 4000.0 / 800.0);
    QCOMPARE(t.cut, int64_t(2));
    const auto all = r.cell("all", ContextMode::Truncate);
    QCOMPARE(all.examples, int64_t(3));
    QCOMPARE(all.acc(), 2.0 / 3.0);
    QCOMPARE(all.ratio(), 4200.0 / 1000.0);
    QCOMPARE(r.cell("9", ContextMode::Memory).examples, int64_t(0));
    QCOMPARE(r.cell("10", ContextMode::Memory).malformedReplies, int64_t(3));

    const auto j = r.toJson();
    QCOMPARE(j["rows"].size(), std::size_t(3));
    QCOMPARE(j["rows"][1]["group"].get<std::string>(), std::string("10"));
    QCOMPARE(j["rows"][1]["n"].get<int64_t>(), int64_t(2));
    QCOMPARE(j["rows"][1]["compress"]["ratio"].get<double>(), 10.0);
    QCOMPARE(j["rows"][1]["memory"]["malformed_replies"].get<int64_t>(), int64_t(3));
    QVERIFY(!j["rows"][1]["memory"].contains("ratio"));
    QCOMPARE(j["rows"][2]["truncate"]["cut"].get<int64_t>(), int64_t(2));
  }

  void tableHasAHeaderAndARowPerGroup() {
    ContextEvalReport r({ContextMode::Compress, ContextMode::Truncate});
    r.add({"3", ContextMode::Compress, 1.0, 5000, 500, false, 0});
    r.add({"3", ContextMode::Truncate, 0.0, 5000, 2500, true, 0});
    std::istringstream lines(r.render("band"));
    std::vector<std::string> rows;
    for (std::string l; std::getline(lines, l);) rows.push_back(l);
    QCOMPARE(rows.size(), std::size_t(3));
    QVERIFY(rows[0].rfind("band", 0) == 0);
    QVERIFY(rows[0].find("compress") < rows[0].find("truncate"));  // the order asked for
    QVERIFY(rows[1].rfind("3 ", 0) == 0);
    QVERIFY2(rows[1].find("1.000 (x10.00)") < rows[1].find("0.000 (x2.00)"), rows[1].c_str());
    QVERIFY(rows[2].rfind("all ", 0) == 0);
  }
};

QTEST_APPLESS_MAIN(TestCprsContextEvalReport)
#include "TestCprsContextEvalReport.moc"
