#include "ui/MainWindow.h"

#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

#include "ui/RunsModel.h"
#include "viewers/chart/ChartsPanel.h"
#include "viewers/data/RunSession.h"

namespace longrl::ui {

using viewers::RunSession;

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("longrl studio"));
  setObjectName(QStringLiteral("MainWindow"));
  resize(1400, 900);

  charts_ = new viewers::ChartsPanel(this);
  setCentralWidget(charts_);
  connect(charts_, &viewers::ChartsPanel::message, this, [this](const QString& t) { showMessage(t); });

  runsModel_ = new RunsModel(this);
  runsView_ = new QTableView(this);
  runsView_->setModel(runsModel_);
  runsView_->setSelectionBehavior(QAbstractItemView::SelectRows);
  runsView_->verticalHeader()->hide();
  runsView_->horizontalHeader()->setStretchLastSection(true);
  runsView_->setAlternatingRowColors(true);
  runsView_->setWordWrap(false);
  runsView_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  auto* runsDock = new QDockWidget(tr("Runs"), this);
  runsDock->setObjectName(QStringLiteral("RunsDock"));
  runsDock->setWidget(runsView_);
  addDockWidget(Qt::LeftDockWidgetArea, runsDock);

  messages_ = new QPlainTextEdit(this);
  messages_->setReadOnly(true);
  messages_->setMaximumBlockCount(5000);
  auto* messagesDock = new QDockWidget(tr("Messages"), this);
  messagesDock->setObjectName(QStringLiteral("MessagesDock"));
  messagesDock->setWidget(messages_);
  addDockWidget(Qt::BottomDockWidgetArea, messagesDock);

  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open run directory…"), QKeySequence::Open, this, &MainWindow::chooseRunToOpen);
  file->addAction(tr("&Close run"), this, &MainWindow::closeSelectedRun);
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
  auto* view = menuBar()->addMenu(tr("&View"));
  view->addAction(tr("&Add chart…"), charts_, &viewers::ChartsPanel::pickCharts);
  view->addSeparator();
  view->addAction(runsDock->toggleViewAction());
  view->addAction(messagesDock->toggleViewAction());

  resizeDocks({runsDock}, {420}, Qt::Horizontal);
  resizeDocks({messagesDock}, {110}, Qt::Vertical);
  statusBar()->showMessage(tr("Open a run directory (File > Open) or start longrl-studio with RUN_DIR arguments."));
}

MainWindow::~MainWindow() = default;

RunSession* MainWindow::openRun(const QString& runDir, const QString& location) {
  const QString canonical = QFileInfo(runDir).absoluteFilePath();
  for (RunSession* r : runsModel_->runs())
    if (r->runDir() == canonical) return r;
  if (!QFileInfo(canonical).isDir()) {
    showMessage(tr("Cannot open %1: not a directory").arg(canonical), true);
    return nullptr;
  }
  auto* run = new RunSession(canonical, location, this);
  runsModel_->addRun(run);
  charts_->addRun(run);
  connect(run, &RunSession::statusChanged, this, [this, run, last = QString()]() mutable {
    if (run->problem() != last) {
      last = run->problem();
      if (!last.isEmpty()) showMessage(QStringLiteral("%1: %2").arg(run->name(), last), true);
    }
  });
  showMessage(tr("Opened %1").arg(canonical));
  if (runsView_->selectionModel() && !runsView_->selectionModel()->hasSelection()) runsView_->selectRow(0);
  return run;
}

void MainWindow::closeRun(RunSession* run) {
  if (!run) return;
  charts_->removeRun(run);
  runsModel_->removeRun(run);
  delete run;
}

void MainWindow::chooseRunToOpen() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Open run directory"));
  if (!dir.isEmpty()) openRun(dir);
}

void MainWindow::closeSelectedRun() {
  const auto rows = runsView_->selectionModel()->selectedRows();
  if (rows.isEmpty()) return;
  closeRun(runsModel_->runAt(rows.first().row()));
}

void MainWindow::showMessage(const QString& text, bool error) {
  const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"));
  if (error) messages_->appendHtml(QStringLiteral("<span style='color:#b00'>%1 %2</span>").arg(stamp, text.toHtmlEscaped()));
  else messages_->appendPlainText(stamp + ' ' + text);
  statusBar()->showMessage(text, 8000);
}

void MainWindow::restoreSettings() {
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  const QStringList charts = settings.value(QStringLiteral("charts/metrics")).toStringList();
  charts_->setChartMetrics(charts.isEmpty() ? viewers::ChartsPanel::defaultMetrics() : charts);
}

void MainWindow::saveSettings() const {
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState());
  settings.setValue(QStringLiteral("charts/metrics"), charts_->chartMetrics());
  QStringList open;
  for (RunSession* r : runsModel_->runs()) open << r->runDir();
  settings.setValue(QStringLiteral("runs/open"), open);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  saveSettings();
  event->accept();
}

}  // namespace longrl::ui
