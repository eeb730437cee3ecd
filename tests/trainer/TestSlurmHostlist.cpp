// SlurmHostlist::firstHost: the first host of Slurm's compressed host lists (rank 0's host under
// srun), zero padding kept; a malformed list anywhere is an error that says what is wrong.
#include <QtTest/QtTest>

#include <string>

#include "trainer/train/SlurmHostlist.h"

using longrl::train::SlurmHostlist;

namespace {

std::string errorOf(const std::string& list) {
  try {
    SlurmHostlist::firstHost(list);
  } catch (const SlurmHostlist::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

class TestSlurmHostlist : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void firstHost_data();
  void firstHost();
  void malformedListsAreErrors_data();
  void malformedListsAreErrors();
};

void TestSlurmHostlist::firstHost_data() {
  QTest::addColumn<QString>("list");
  QTest::addColumn<QString>("first");
  QTest::newRow("one host") << "node01"
                            << "node01";
  QTest::newRow("one range") << "node[01-04]"
                             << "node01";
  QTest::newRow("ranges and a number") << "node[01-04,07]"
                                       << "node01";
  QTest::newRow("order as listed") << "node[07,01-04]"
                                   << "node07";
  QTest::newRow("padding kept") << "gpu[007-010]"
                                << "gpu007";
  QTest::newRow("several entries") << "login3,gpu[1-2]"
                                   << "login3";
  QTest::newRow("bracket then entries") << "gpu[12-13],cpu[1-4,9]"
                                        << "gpu12";
  QTest::newRow("suffix after bracket") << "rack[2-3]-gpu"
                                        << "rack2-gpu";
  QTest::newRow("two brackets") << "rack[1-2]-n[5-6]"
                                << "rack1-n5";
  QTest::newRow("dotted name") << "n[4-5].cluster.example"
                               << "n4.cluster.example";
  QTest::newRow("a single number in brackets") << "node[9]"
                                               << "node9";
}

void TestSlurmHostlist::firstHost() {
  QFETCH(QString, list);
  QFETCH(QString, first);
  QCOMPARE(QString::fromStdString(SlurmHostlist::firstHost(list.toStdString())), first);
}

void TestSlurmHostlist::malformedListsAreErrors_data() {
  QTest::addColumn<QString>("list");
  QTest::addColumn<QString>("says");  // a part of the message
  QTest::newRow("empty") << ""
                         << "empty";
  QTest::newRow("unclosed") << "node[01-02"
                            << "not closed";
  QTest::newRow("close without open") << "node01]"
                                      << "']' without '['";
  QTest::newRow("nested") << "node[[1]]"
                          << "nested";
  QTest::newRow("empty brackets") << "node[]"
                                  << "not a number";
  QTest::newRow("letters") << "node[a-b]"
                           << "'a-b'";
  QTest::newRow("backward") << "node[3-1]"
                            << "backward range '3-1'";
  QTest::newRow("backward, long numbers") << "n[100000000000000000000000-99]"
                                          << "backward";
  QTest::newRow("open range") << "node[1-]"
                              << "'1-'";
  QTest::newRow("trailing comma in brackets") << "node[1,]"
                                              << "not a number";
  QTest::newRow("leading comma") << ",node1"
                                 << "empty entry";
  QTest::newRow("double comma") << "a,,b"
                                << "empty entry at offset 2";
  QTest::newRow("trailing comma") << "a,"
                                  << "ends with ','";
  QTest::newRow("whitespace") << "node1 node2"
                              << "whitespace";
  QTest::newRow("bad later entry") << "node1,gpu[2-x]"
                                   << "'2-x'";  // the whole list is checked
}

void TestSlurmHostlist::malformedListsAreErrors() {
  QFETCH(QString, list);
  QFETCH(QString, says);
  const std::string message = errorOf(list.toStdString());
  QVERIFY2(!message.empty(), qPrintable(list));
  QVERIFY2(message.find(says.toStdString()) != std::string::npos, message.c_str());
}

QTEST_APPLESS_MAIN(TestSlurmHostlist)
#include "TestSlurmHostlist.moc"
