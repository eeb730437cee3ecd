// Rollout browser figures: time to first rows and scroll-chunk latency on 200,000 rollouts
// (id order, and sorted by an unindexed column), and the open time of a 120,000-token document
// in the detail view. Runs offscreen. Usage: benchrolloutbrowser [rollouts]
#include <QApplication>
#include <QElapsedTimer>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTableView>

#include <algorithm>
#include <cstdio>
#include <random>

#include "bench/BenchArgs.h"
#include "bench/TempDir.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreWriter.h"
#include "viewers/document/DocumentTraceView.h"
#include "viewers/rollouts/RolloutTableModel.h"

using longrl::viewers::RolloutTableModel;

namespace {

void writeRollouts(const std::string& path, int n) {
  longrl::store::RunStoreWriter::Options o;
  o.maxBatch = 50000;
  o.maxBatchSeconds = 60;
  longrl::store::RunStoreWriter w(path, o);
  std::mt19937 rng(1);
  for (int e = 0; e < 1000; ++e)
    w.writeExample({"ex-" + std::to_string(e), e % 2 ? "musique" : "docmath", "q", "a", 0, 0});
  for (int i = 0; i < n; ++i) {
    longrl::store::RolloutRecord r;
    r.step = i / 1024;
    r.group_idx = (i / 8) % 128;
    r.sample_idx = i % 8;
    r.example_id = "ex-" + std::to_string((i / 8) % 1000);
    // A realistic response (~3 KB, compressed) so that row reads skip real blobs.
    r.response =
        "<think>" + std::string(3000, char('a' + i % 26)) + "</think>Therefore, the answer is " + std::to_string(i % 7);
    r.answer = std::to_string(i % 7);
    r.reward = double(rng() % 1000) / 1000.0;
    r.advantage = r.reward - 0.5;
    r.rule_score = r.reward > 0.5 ? 1.0 : 0.0;
    r.length = 1000 + rng() % 9000;
    r.judge_verdict = i % 3 ? "no" : "";
    w.writeRollout(r);
  }
}

bool waitRow(QApplication& app, RolloutTableModel& m, int row, int ms = 20000) {
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < ms) {
    if (m.index(row, 0).data(RolloutTableModel::LoadedRole).toBool()) return true;
    app.processEvents(QEventLoop::AllEvents, 1);
  }
  return false;
}

void scrollLatency(QApplication& app, QTableView& view, RolloutTableModel& m, const char* what) {
  std::mt19937 rng(7);
  std::vector<double> ms;
  for (int k = 0; k < 30; ++k) {
    const int row = int(rng() % unsigned(m.rowCount()));
    QElapsedTimer t;
    t.start();
    view.scrollTo(m.index(row, 0), QAbstractItemView::PositionAtTop);
    view.viewport()->repaint();  // the view asks for the rows it shows, as a real repaint would
    if (!waitRow(app, m, row)) std::printf("  row %d never arrived\n", row);
    ms.push_back(double(t.nsecsElapsed()) / 1e6);
  }
  std::sort(ms.begin(), ms.end());
  std::printf("scroll-chunk latency (%s): median %.1f ms, p90 %.1f ms, max %.1f ms over %zu jumps\n", what,
              ms[ms.size() / 2], ms[ms.size() * 9 / 10], ms.back(), ms.size());
}

std::string longDocument(int words) {
  static const char* vocab[] = {"river",  "council", "ledger", "harbour", "revenue",
                                "treaty", "Müller",  "café",   "the",     "of"};
  std::mt19937 rng(3);
  std::string s;
  for (int i = 0; i < words; ++i) {
    s += i % 150 == 0 && i ? ".\n\n" : (i ? " " : "");
    s += vocab[rng() % 10];
    s += std::to_string(rng() % 500);
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  int n = 200000;
  // After QApplication, which takes its own options (-platform ...) out of argv.
  longrl::bench::parseArgs(argc, argv, "[ROLLOUTS (default 200000)]", [&](longrl::cli::ArgList& args) {
    n = static_cast<int>(
        longrl::bench::positionalInt(longrl::bench::takePositionals(args, 1), 0, "ROLLOUTS", 1, 100000000, n));
  });
  const longrl::bench::TempDir dir("benchrolloutbrowser");
  const std::string path = longrl::store::RunStore::fileIn(dir.path().string());
  QElapsedTimer t;
  t.start();
  writeRollouts(path, n);
  std::printf("wrote %d rollouts in %.2f s\n", n, double(t.elapsed()) / 1000.0);

  {
    RolloutTableModel model;
    QTableView view;
    view.resize(1000, 700);
    view.setModel(&model);
    view.show();
    t.restart();
    model.setStorePath(QString::fromStdString(path));
    if (!waitRow(app, model, 0)) return 1;
    std::printf("time to first rows: %.1f ms (count %d + first chunk of %d)\n", double(t.nsecsElapsed()) / 1e6,
                model.rowCount(), RolloutTableModel::kDefaultChunkSize);
    scrollLatency(app, view, model, "id order");
    std::printf("  chunks read: %d, skipped as superseded: %d\n", model.fetchState().chunksRead.load(),
                model.fetchState().requestsSkipped.load());
    t.restart();
    model.sort(RolloutTableModel::Reward, Qt::DescendingOrder);
    if (!waitRow(app, model, 0)) return 1;
    std::printf("re-sort by reward (no index): first rows after %.1f ms\n", double(t.nsecsElapsed()) / 1e6);
    scrollLatency(app, view, model, "sorted by reward");
    t.restart();
    auto q = model.query();
    q.text = "ex-42";
    model.setQuery(q);
    if (model.rowCount() >= 0 && !waitRow(app, model, 0)) return 1;
    std::printf("text search 'ex-42': %d rows, first rows after %.1f ms\n", model.rowCount(),
                double(t.nsecsElapsed()) / 1e6);
  }

  {
    longrl::viewers::DocumentTraceView view;
    view.resize(1400, 900);
    view.show();
    app.processEvents();
    longrl::viewers::DocumentTraceView::Content c;
    c.document = longDocument(90000);  // ~120,000 tokens
    c.response = "<think>" + c.document.substr(5000, 400) + " and " + c.document.substr(400000, 600) + "</think>42";
    t.restart();
    view.setContent(c);
    const double setMs = double(t.nsecsElapsed()) / 1e6;
    view.repaint();
    const double paintMs = double(t.nsecsElapsed()) / 1e6;
    while (view.alignmentPending()) app.processEvents(QEventLoop::AllEvents, 1);
    app.processEvents();
    const double alignMs = double(t.nsecsElapsed()) / 1e6;
    std::printf(
        "120K-token document (%zu bytes): setContent %.1f ms, first paint at %.1f ms, grounding applied at %.1f ms "
        "(%zu passages)\n",
        c.document.size(), setMs, paintMs, alignMs, view.links().size());
    auto* bar = view.documentEdit()->verticalScrollBar();
    double worst = 0;
    for (int k = 0; k <= 20; ++k) {
      QElapsedTimer s;
      s.start();
      bar->setValue(bar->maximum() * k / 20);
      view.documentEdit()->viewport()->repaint();
      worst = std::max(worst, double(s.nsecsElapsed()) / 1e6);
    }
    std::printf("  scroll through the document: worst repaint %.1f ms over 21 positions\n", worst);
    t.restart();
    view.followTrace(false, view.links().empty() ? 0 : view.links().back().traceBegin);
    view.documentEdit()->viewport()->repaint();
    std::printf("  click-to-scroll to the last passage: %.1f ms\n", double(t.nsecsElapsed()) / 1e6);
  }
  return 0;
}
