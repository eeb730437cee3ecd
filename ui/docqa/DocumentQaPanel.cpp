#include "ui/docqa/DocumentQaPanel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTextBlock>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "core/config/RunConfig.h"
#include "ui/docqa/ExampleSaveBar.h"
#include "ui/docqa/MemoryAgentDriver.h"
#include "viewers/document/DocumentTraceView.h"
#include "viewers/document/ElidedText.h"
#include "viewers/document/KeptSpanMarks.h"
#include "viewers/document/MemoryStepsView.h"
#include "viewers/document/ResponseParts.h"

namespace longrl::ui {
namespace {

constexpr int kComboMinWidth = 120;

QString fromStd(const std::string& s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

// Brings a pane up to `now`, appending when it only grew (the common case while streaming: no
// relayout of what is already there), replacing otherwise; follows the end when it was at the end.
void updatePane(QPlainTextEdit* edit, std::string& shown, std::string_view now) {
  if (now == shown) return;
  QScrollBar* bar = edit->verticalScrollBar();
  const bool atEnd = bar->value() >= bar->maximum() - 2;
  if (now.size() > shown.size() && now.substr(0, shown.size()) == shown) {
    const auto tail = now.substr(shown.size());
    QTextCursor c(edit->document());
    c.movePosition(QTextCursor::End);
    c.insertText(QString::fromUtf8(tail.data(), qsizetype(tail.size())));
  } else {
    edit->setPlainText(QString::fromUtf8(now.data(), qsizetype(now.size())));
  }
  shown.assign(now);
  if (atEnd) bar->setValue(bar->maximum());
}

QWidget* row(QWidget* parent, std::initializer_list<QWidget*> widgets, int stretchIndex = -1) {
  auto* w = new QWidget(parent);
  auto* l = new QHBoxLayout(w);
  l->setContentsMargins(0, 0, 0, 0);
  int i = 0;
  for (QWidget* x : widgets) l->addWidget(x, i++ == stretchIndex ? 1 : 0);
  return w;
}

}  // namespace

DocumentQaPanel::DocumentQaPanel(QWidget* parent)
    : QWidget(parent), open_(new QPushButton(tr("Open document…"), this)), documentInfo_(new QLabel(this)),
      backend_(new QComboBox(this)), backendFields_(new QStackedWidget(this)), baseUrl_(new QLineEdit(this)),
      model_(new QLineEdit(this)), apiKey_(new QLineEdit(this)), modelDir_(new QLineEdit(this)),
      serverInfo_(new QLabel(this)), question_(new QLineEdit(this)), ask_(new QPushButton(tr("Ask"), this)),
      stop_(new QPushButton(tr("Stop"), this)), mode_(new QComboBox(this)), modeOptions_(new QStackedWidget(this)),
      sectionTokens_(new QSpinBox(this)), progress_(new QProgressBar(this)), compressorDir_(new QLineEdit(this)),
      granularity_(new QComboBox(this)), threshold_(new QDoubleSpinBox(this)), status_(new QLabel(this)),
      views_(new QTabWidget(this)), trace_(new viewers::DocumentTraceView(this)),
      memorySteps_(new viewers::MemoryStepsView(this)), saveBar_(new ExampleSaveBar(this)),
      session_(new DocumentQaSession(this)) {
  setObjectName(QStringLiteral("DocumentQaPanel"));
  documentInfo_->setTextFormat(Qt::PlainText);
  documentInfo_->setWordWrap(true);  // a long file name must not widen the window
  documentInfo_->setText(tr("No document. Text, markdown (shown as plain text) or PDF."));
  question_->setPlaceholderText(tr("Question about the document (Enter to ask)"));
  stop_->setEnabled(false);
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  status_->setTextFormat(Qt::PlainText);

  // The panel scrolls where the window is shorter than its controls and views need (a 1920x1080
  // screen at 200% leaves about 330 px), rather than making the window taller than the screen.
  auto* body = new QWidget;
  auto* l = new QVBoxLayout(body);
  l->addLayout(buildControls());
  l->addWidget(status_);
  views_->addTab(trace_, tr("Document && answer"));
  views_->addTab(memorySteps_, tr("Memory steps"));
  views_->setDocumentMode(true);
  l->addWidget(views_, 1);
  l->addWidget(saveBar_);
  auto* scroll = new QScrollArea(this);
  scroll->setObjectName(QStringLiteral("DocumentQaScroll"));
  scroll->setWidget(body);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  outer->addWidget(scroll);
  answerPlaceholder_ = trace_->answerEdit()->placeholderText();

  connectControls();
  connectSession();
  loadSettings();
  setStatus(tr("Open a document, then ask a question about it."));
  updateButtons();
}

DocumentQaPanel::~DocumentQaPanel() {
  saveSettings();
  session_->disconnect(this);
  loader_.waitForFinished();
}

// Where the answer comes from: an endpoint's fields, or a model directory served here.
QWidget* DocumentQaPanel::buildBackendFields() {
  backend_->addItem(tr("OpenAI-compatible endpoint"));
  backend_->addItem(tr("Local model directory"));
  baseUrl_->setPlaceholderText(QStringLiteral("http://127.0.0.1:8000/v1"));
  model_->setPlaceholderText(tr("model name"));
  apiKey_->setPlaceholderText(tr("API key (optional)"));
  apiKey_->setEchoMode(QLineEdit::PasswordEchoOnEdit);
  auto* endpointPage = row(this, {baseUrl_, model_, apiKey_}, 0);
  modelDir_->setPlaceholderText(tr("model directory (served with `longrl serve`)"));
  auto* browseModel = new QPushButton(tr("Browse…"), this);
  connect(browseModel, &QPushButton::clicked, this, &DocumentQaPanel::chooseModelDir);
  serverInfo_->setStyleSheet(QStringLiteral("color: gray"));
  // May be squeezed (clipped) beside the directory on a small screen; the tooltip has it all.
  serverInfo_->setMinimumWidth(serverInfo_->fontMetrics().horizontalAdvance(QLatin1Char('0')) * 12);
  auto* localPage = row(this, {modelDir_, browseModel, serverInfo_}, 0);
  backendFields_->addWidget(endpointPage);
  backendFields_->addWidget(localPage);
  backendFields_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  return backendFields_;
}

// Whole document in one prompt, the memory agent for documents beyond the model's window, or the
// compressor's kept text in the prompt.
void DocumentQaPanel::setupModeControls() {
  mode_->addItem(tr("Whole document in the prompt"));
  mode_->addItem(tr("Memory agent: read in sections"));
  mode_->addItem(tr("Compress first (QwenLong-CPRS)"));
  mode_->setToolTip(
      tr("Memory agent (QwenLong-L1.5): one call per section rewrites a memory of what matters for "
         "the question; the answer comes from the memory alone. For documents longer than the "
         "model's window.\nCompress first (QwenLong-CPRS): `longrl compress` keeps the keywords, "
         "sentences or paragraphs the question needs; the model sees only those."));
  sectionTokens_->setRange(64, 1000000);
  sectionTokens_->setSingleStep(500);
  sectionTokens_->setValue(static_cast<int>(config::MemoryConfig{}.chunkTokens));
  sectionTokens_->setSuffix(tr(" tokens a section"));
  sectionTokens_->setToolTip(tr("Estimated at %1 characters a token").arg(MemoryAgentDriver::kCharsPerToken));
  progress_->setVisible(false);
  progress_->setFormat(tr("%v of %m sections read"));
  modeOptions_->addWidget(row(this, {sectionTokens_, progress_}));
  modeOptions_->addWidget(buildCompressOptions());
  modeOptions_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

QWidget* DocumentQaPanel::buildCompressOptions() {
  compressorDir_->setPlaceholderText(tr("compressor model directory (longrl compress-train --out)"));
  compressorDir_->setToolTip(tr("Run as `longrl compress --model DIR --json` on this machine"));
  auto* browse = new QPushButton(tr("Browse…"), this);
  connect(browse, &QPushButton::clicked, this, &DocumentQaPanel::chooseCompressorDir);
  for (const char* g : {"keyword", "sentence", "paragraph"}) granularity_->addItem(QString::fromLatin1(g));
  granularity_->setCurrentText(QStringLiteral("sentence"));
  granularity_->setToolTip(tr("What a kept token keeps: its word, its sentence or its paragraph"));
  threshold_->setRange(0.0, 1.0);
  threshold_->setSingleStep(0.05);
  threshold_->setDecimals(2);
  threshold_->setValue(0.5);
  threshold_->setPrefix(tr("≥ "));
  threshold_->setToolTip(tr("A unit is kept when one of its tokens scores at least this (keep probability)"));
  return row(this, {compressorDir_, browse, granularity_, threshold_}, 0);
}

QLayout* DocumentQaPanel::buildControls() {
  auto* top = new QGridLayout;
  top->addWidget(open_, 0, 0);
  top->addWidget(documentInfo_, 0, 1, 1, 2);
  top->addWidget(backend_, 1, 0);
  top->addWidget(buildBackendFields(), 1, 1, 1, 2);
  top->addWidget(new QLabel(tr("Question"), this), 2, 0, Qt::AlignRight);
  top->addWidget(question_, 2, 1);
  top->addWidget(row(this, {ask_, stop_}), 2, 2);
  setupModeControls();
  top->addWidget(new QLabel(tr("Mode"), this), 3, 0, Qt::AlignRight);
  top->addWidget(row(this, {mode_, modeOptions_}, 1), 3, 1, 1, 2);
  top->setColumnStretch(1, 1);
  // The two combos may shrink (their text elided) below their longest item, so the panel fits a
  // 1366 px screen beside other docks; at their preferred width they look the same.
  for (QComboBox* c : {backend_, mode_}) c->setMinimumWidth(kComboMinWidth);
  return top;
}

void DocumentQaPanel::connectControls() {
  connect(open_, &QPushButton::clicked, this, &DocumentQaPanel::chooseDocument);
  connect(backend_, &QComboBox::currentIndexChanged, backendFields_, &QStackedWidget::setCurrentIndex);
  connect(backend_, &QComboBox::currentIndexChanged, this, &DocumentQaPanel::updateButtons);
  for (QLineEdit* e : {question_, baseUrl_, modelDir_, compressorDir_})
    connect(e, &QLineEdit::textChanged, this, &DocumentQaPanel::updateButtons);
  connect(saveBar_, &ExampleSaveBar::fieldsChanged, this, &DocumentQaPanel::updateButtons);
  connect(question_, &QLineEdit::returnPressed, this, [this] {
    if (ask_->isEnabled()) ask();
  });
  connect(ask_, &QPushButton::clicked, this, &DocumentQaPanel::ask);
  connect(stop_, &QPushButton::clicked, this, &DocumentQaPanel::stop);
  connect(saveBar_, &ExampleSaveBar::saveRequested, this, &DocumentQaPanel::saveExample);
  connect(&loader_, &QFutureWatcher<DocumentLoader::Result>::finished, this, &DocumentQaPanel::onDocumentRead);
  connect(mode_, &QComboBox::currentIndexChanged, this, &DocumentQaPanel::updateButtons);
  connect(mode_, &QComboBox::currentIndexChanged, this,
          [this] { modeOptions_->setCurrentIndex(mode() == Mode::Compress ? 1 : 0); });
  connect(trace_, &viewers::DocumentTraceView::alignmentReady, this, &DocumentQaPanel::highlightsReady);
}

void DocumentQaPanel::connectSession() {
  connect(session_, &DocumentQaSession::statusChanged, this, &DocumentQaPanel::setStatus);
  connect(session_, &DocumentQaSession::serverInfoChanged, this, [this](const QString& info) {
    serverInfo_->setText(info);
    serverInfo_->setToolTip(info);
  });
  connect(session_, &DocumentQaSession::answerStarting, this, &DocumentQaPanel::onAnswerStarting);
  connect(session_, &DocumentQaSession::stateChanged, this, &DocumentQaPanel::onStateChanged);
  connect(session_, &DocumentQaSession::responseUpdated, this, &DocumentQaPanel::onResponseUpdated);
  connect(session_, &DocumentQaSession::answerFinished, this, &DocumentQaPanel::onAnswerFinished);
  connect(session_, &DocumentQaSession::sectionStarted, this, [this](int index, int count) {
    progress_->setRange(0, count);
    progress_->setValue(index);
    progress_->setVisible(true);
  });
  connect(session_, &DocumentQaSession::compressed, this, &DocumentQaPanel::onCompressed);
  connect(session_, &DocumentQaSession::sectionFinished, this, [this](int index, int) {
    progress_->setValue(index + 1);
    memorySteps_->setContent(session_->document(), session_->trajectory().toJson(), {});
    memorySteps_->showStep(index);
  });
}

void DocumentQaPanel::loadSettings() {
  QSettings s;
  s.beginGroup(QStringLiteral("documentQa"));
  baseUrl_->setText(s.value(QStringLiteral("baseUrl")).toString());
  model_->setText(s.value(QStringLiteral("model")).toString());
  modelDir_->setText(s.value(QStringLiteral("modelDir")).toString());
  saveBar_->loadSettings(s);
  backend_->setCurrentIndex(s.value(QStringLiteral("backend"), 0).toInt() == 1 ? 1 : 0);
  const int mode = s.value(QStringLiteral("mode"), 0).toInt();
  mode_->setCurrentIndex(mode >= 0 && mode < mode_->count() ? mode : 0);
  sectionTokens_->setValue(s.value(QStringLiteral("sectionTokens"), sectionTokens_->value()).toInt());
  compressorDir_->setText(s.value(QStringLiteral("compressorDir")).toString());
  const QString g = s.value(QStringLiteral("granularity")).toString();
  if (granularity_->findText(g) >= 0) granularity_->setCurrentText(g);
  threshold_->setValue(s.value(QStringLiteral("threshold"), threshold_->value()).toDouble());
  // The API key is not stored: QSettings is a plain-text file.
}

void DocumentQaPanel::saveSettings() const {
  QSettings s;
  s.beginGroup(QStringLiteral("documentQa"));
  s.setValue(QStringLiteral("baseUrl"), baseUrl_->text());
  s.setValue(QStringLiteral("model"), model_->text());
  s.setValue(QStringLiteral("modelDir"), modelDir_->text());
  saveBar_->saveSettings(s);
  s.setValue(QStringLiteral("backend"), backend_->currentIndex());
  s.setValue(QStringLiteral("mode"), mode_->currentIndex());
  s.setValue(QStringLiteral("sectionTokens"), sectionTokens_->value());
  s.setValue(QStringLiteral("compressorDir"), compressorDir_->text());
  s.setValue(QStringLiteral("granularity"), granularity_->currentText());
  s.setValue(QStringLiteral("threshold"), threshold_->value());
}

DocumentQaPanel::Mode DocumentQaPanel::mode() const { return Mode(mode_->currentIndex()); }

void DocumentQaPanel::setMode(Mode mode, int sectionTokens) {
  mode_->setCurrentIndex(int(mode));
  if (sectionTokens > 0) sectionTokens_->setValue(sectionTokens);
}

void DocumentQaPanel::setCompressor(const QString& modelDir, const QString& granularity, double threshold) {
  compressorDir_->setText(modelDir);
  granularity_->setCurrentText(granularity);
  threshold_->setValue(threshold);
}

// ---- document ----

void DocumentQaPanel::chooseDocument() {
  QString filter = tr("Documents (*.txt *.md *.markdown *.text%1);;All files (*)")
                       .arg(DocumentLoader::pdfSupported() ? QStringLiteral(" *.pdf") : QString());
  const QString path = QFileDialog::getOpenFileName(this, tr("Open document"), QString(), filter);
  if (!path.isEmpty()) openDocument(path);
}

void DocumentQaPanel::openDocument(const QString& path) {
  if (loader_.isRunning()) loader_.waitForFinished();  // one at a time; the newer one wins
  setStatus(tr("Reading %1…").arg(path));
  open_->setEnabled(false);
  loader_.setFuture(QtConcurrent::run([path] { return DocumentLoader::load(path); }));
}

void DocumentQaPanel::onDocumentRead() {
  open_->setEnabled(true);
  DocumentLoader::Result r = loader_.result();
  if (!r.error.isEmpty()) {
    setStatus(tr("Cannot open the document: %1").arg(r.error), true);
    return;
  }
  setDocument(r.title, r.text);
  if (r.pages > 0) documentInfo_->setText(documentInfo_->text() + tr(", %n PDF page(s)", nullptr, r.pages));
}

void DocumentQaPanel::setDocument(const QString& title, const std::string& utf8Text) {
  session_->setDocument(title, utf8Text);  // stops a running answer; says the document is open
  shownThink_.clear();
  shownAnswer_.clear();
  // The character count is in the document pane's header; this says what matters for the prompt.
  documentInfo_->setText(tr("%1 — about %2 tokens")
                             .arg(viewers::ElidedText::middle(title, documentInfo_->fontMetrics(), 48),
                                  QLocale().toString(qlonglong(session_->document().size() / 4))));
  documentInfo_->setToolTip(title);
  showDocumentOnly(tr("Grounded passages of the answer will be highlighted here and in the document."));
  updateButtons();
  Q_EMIT documentLoaded(title);
}

// ---- backend ----

void DocumentQaPanel::setEndpoint(const QString& baseUrl, const QString& model, const QString& apiKey) {
  backend_->setCurrentIndex(int(Backend::Endpoint));
  baseUrl_->setText(baseUrl);
  model_->setText(model);
  apiKey_->setText(apiKey);
}

void DocumentQaPanel::setLocalModel(const QString& modelDir) {
  backend_->setCurrentIndex(int(Backend::LocalModel));
  modelDir_->setText(modelDir);
}

QString DocumentQaPanel::localModelDir() const {
  return backend() == Backend::LocalModel ? modelDir_->text() : QString();
}

void DocumentQaPanel::setLongrlProgram(const QString& program) { session_->setLongrlProgram(program); }

DocumentQaPanel::Backend DocumentQaPanel::backend() const { return Backend(backend_->currentIndex()); }

void DocumentQaPanel::chooseModelDir() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Model directory"), modelDir_->text());
  if (!dir.isEmpty()) modelDir_->setText(dir);
}

void DocumentQaPanel::chooseCompressorDir() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Compressor model directory"), compressorDir_->text());
  if (!dir.isEmpty()) compressorDir_->setText(dir);
}

// ---- asking ----

void DocumentQaPanel::setQuestion(const QString& question) { question_->setText(question); }

void DocumentQaPanel::ask() {
  DocumentQaSession::Question q;
  q.text = question_->text();
  q.backend = backend();
  q.baseUrl = baseUrl_->text();
  q.model = model_->text();
  q.apiKey = apiKey_->text();
  q.modelDir = modelDir_->text();
  q.mode = mode();
  q.sectionTokens = sectionTokens_->value();
  q.compressorDir = compressorDir_->text();
  q.granularity = granularity_->currentText();
  q.threshold = threshold_->value();
  session_->ask(q);  // a missing field comes back as an error status
}

void DocumentQaPanel::stop() { session_->stop(); }

void DocumentQaPanel::onAnswerStarting() {
  shownThink_.clear();
  shownAnswer_.clear();
  saveBar_->groundTruthEdit()->clear();
  // Drops the previous answer's highlights (their positions are stale).
  showDocumentOnly(tr("Grounded passages are found when the answer is complete."));
  trace_->thinkingEdit()->setPlaceholderText(tr("Waiting for the model…"));
  trace_->answerEdit()->setPlaceholderText(tr("(the answer follows </think>)"));
}

void DocumentQaPanel::onStateChanged(State state) {
  if (state != State::ReadingSections) progress_->setVisible(false);
  if (state == State::ReadingSections) {
    memorySteps_->clear(tr("Reading the first section…"));
    views_->setCurrentWidget(memorySteps_);
  } else if (state == State::Streaming && session_->mode() == Mode::MemoryAgent) {
    views_->setCurrentWidget(trace_);
  }
  updateButtons();
}

// The kept spans shaded in the document while the answer streams from them.
void DocumentQaPanel::onCompressed() {
  const auto& c = session_->compression();
  if (!c) return;
  trace_->setKeptSpans(session_->document(), c->spans, viewers::KeptSpanMarks::summary(*c));
  views_->setCurrentWidget(trace_);
}

void DocumentQaPanel::onResponseUpdated() {
  const std::string& response = session_->response();
  const auto parts = viewers::ResponseParts::split(response);
  const std::string_view r(response);
  updatePane(trace_->thinkingEdit(), shownThink_, r.substr(parts.thinkBegin, parts.thinkEnd - parts.thinkBegin));
  updatePane(trace_->answerEdit(), shownAnswer_, r.substr(parts.answerBegin, parts.answerEnd - parts.answerBegin));
}

void DocumentQaPanel::onAnswerFinished(bool ok) {
  if (session_->answeredFromMemory() && !session_->trajectory().steps.empty())  // the answer as the last step
    memorySteps_->setContent(session_->document(), session_->trajectory().toJson(), session_->response());
  trace_->thinkingEdit()->setPlaceholderText(QString());
  trace_->answerEdit()->setPlaceholderText(answerPlaceholder_);
  // The model's final answer as the ground truth to confirm or correct.
  if (const auto answer = session_->suggestedGroundTruth()) saveBar_->groundTruthEdit()->setText(*answer);
  if (!session_->response().empty()) showAlignment();
  updateButtons();
  Q_EMIT answerFinished(ok);
}

void DocumentQaPanel::showDocumentOnly(const QString& traceStatus) {
  // Not setContent() with an empty response: the view would say "nothing to align", which is
  // wrong while an answer is on its way. clear() takes our message; the document goes in as is.
  trace_->clear(traceStatus);
  trace_->documentEdit()->setPlainText(fromStd(session_->document()));
}

void DocumentQaPanel::showAlignment() {
  // DocumentTraceView splits the trace, aligns it to the document on a worker thread, highlights
  // both sides and links them (alignmentReady -> highlightsReady).
  viewers::DocumentTraceView::Content c;
  c.title = session_->title();
  c.document = session_->document();
  c.response = session_->response();
  c.question = fromStd(session_->askedQuestion());
  if (const auto& kept = session_->compression()) {
    c.keptSpans = kept->spans;
    c.keptSummary = viewers::KeptSpanMarks::summary(*kept);
  }
  trace_->setContent(c);
  shownThink_.clear();
  shownAnswer_.clear();
}

// ---- saving ----

bool DocumentQaPanel::saveExample() {
  auto refuse = [this](const QString& why) {
    setStatus(tr("Not saved: %1").arg(why), true);
    return false;
  };
  if (session_->isAsking()) return refuse(tr("wait for the answer to finish (or stop it)."));
  if (session_->document().empty()) return refuse(tr("no document is open."));
  const std::string& asked = session_->askedQuestion();
  const std::string question = asked.empty() ? question_->text().trimmed().toStdString() : asked;
  if (question.empty()) return refuse(tr("no question."));
  if (const QString why = saveBar_->append(session_->exampleRecord(question)); !why.isEmpty()) return refuse(why);
  const QString path = saveBar_->datasetPath();
  setStatus(tr("Saved as a %1 example to %2.").arg(saveBar_->dataSource(), path));
  Q_EMIT exampleSaved(path);
  return true;
}

QLineEdit* DocumentQaPanel::groundTruthEdit() const { return saveBar_->groundTruthEdit(); }
QComboBox* DocumentQaPanel::dataSourceCombo() const { return saveBar_->dataSourceCombo(); }
QLineEdit* DocumentQaPanel::datasetPathEdit() const { return saveBar_->datasetPathEdit(); }
QPushButton* DocumentQaPanel::saveButton() const { return saveBar_->saveButton(); }

// ---- state ----

void DocumentQaPanel::updateButtons() {
  const bool asking = session_->isAsking();
  const bool hasDoc = !session_->document().empty();
  const bool backendReady =
      backend() == Backend::Endpoint ? !baseUrl_->text().trimmed().isEmpty() : !modelDir_->text().trimmed().isEmpty();
  const bool modeReady = mode() != Mode::Compress || !compressorDir_->text().trimmed().isEmpty();
  ask_->setEnabled(!asking && hasDoc && !question_->text().trimmed().isEmpty() && backendReady && modeReady);
  stop_->setEnabled(asking);
  backend_->setEnabled(!asking);
  backendFields_->setEnabled(!asking);
  mode_->setEnabled(!asking);
  sectionTokens_->setEnabled(!asking && mode() == Mode::MemoryAgent);
  modeOptions_->widget(1)->setEnabled(!asking);
  open_->setEnabled(!asking && !loader_.isRunning());
  saveBar_->setSaveEnabled(!asking && hasDoc && saveBar_->fieldsFilled());
}

void DocumentQaPanel::setStatus(const QString& text, bool error) {
  statusError_ = error;
  status_->setText(text);
  status_->setStyleSheet(error ? QStringLiteral("color: #b00020; font-weight: bold") : QString());
}

QString DocumentQaPanel::statusText() const { return status_->text(); }

}  // namespace longrl::ui
