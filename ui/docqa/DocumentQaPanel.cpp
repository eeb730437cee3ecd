#include "ui/docqa/DocumentQaPanel.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTextBlock>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

#include "core/dataset/DatasetRecord.h"
#include "core/dataset/PromptTemplate.h"
#include "core/reward/AnswerExtractor.h"
#include "core/reward/DocQaScorer.h"
#include "core/config/RunConfig.h"
#include "ui/docqa/ChatStream.h"
#include "ui/docqa/ExampleSaveBar.h"
#include "ui/docqa/LocalModelServer.h"
#include "ui/docqa/MemoryAgentDriver.h"
#include "viewers/document/DocumentTraceView.h"
#include "viewers/document/MemoryStepsView.h"
#include "viewers/document/ResponseParts.h"

namespace longrl::ui {
namespace {

constexpr int kFlushMs = 40;  // streamed text is drawn at most this often (not per token)

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
    : QWidget(parent),
      open_(new QPushButton(tr("Open document…"), this)),
      documentInfo_(new QLabel(this)),
      backend_(new QComboBox(this)),
      backendFields_(new QStackedWidget(this)),
      baseUrl_(new QLineEdit(this)),
      model_(new QLineEdit(this)),
      apiKey_(new QLineEdit(this)),
      modelDir_(new QLineEdit(this)),
      serverInfo_(new QLabel(this)),
      question_(new QLineEdit(this)),
      ask_(new QPushButton(tr("Ask"), this)),
      stop_(new QPushButton(tr("Stop"), this)),
      mode_(new QComboBox(this)),
      sectionTokens_(new QSpinBox(this)),
      progress_(new QProgressBar(this)),
      status_(new QLabel(this)),
      views_(new QTabWidget(this)),
      trace_(new viewers::DocumentTraceView(this)),
      memorySteps_(new viewers::MemoryStepsView(this)),
      saveBar_(new ExampleSaveBar(this)),
      stream_(new ChatStream(this)),
      agent_(new MemoryAgentDriver(this)),
      server_(new LocalModelServer(QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("longrl")), this)),
      flush_(new QTimer(this)) {
  setObjectName(QStringLiteral("DocumentQaPanel"));
  documentInfo_->setTextFormat(Qt::PlainText);
  documentInfo_->setText(tr("No document. Text, markdown (shown as plain text) or PDF."));

  // Where the answer comes from.
  backend_->addItem(tr("OpenAI-compatible endpoint"));
  backend_->addItem(tr("Local model directory"));
  baseUrl_->setPlaceholderText(QStringLiteral("http://127.0.0.1:8000/v1"));
  model_->setPlaceholderText(tr("model name"));
  apiKey_->setPlaceholderText(tr("API key (optional)"));
  apiKey_->setEchoMode(QLineEdit::PasswordEchoOnEdit);
  auto* endpointPage = row(this, {baseUrl_, model_, apiKey_}, 0);
  modelDir_->setPlaceholderText(tr("model directory (served with `longrl serve`)"));
  auto* browseModel = new QPushButton(tr("Browse…"), this);
  serverInfo_->setStyleSheet(QStringLiteral("color: gray"));
  auto* localPage = row(this, {modelDir_, browseModel, serverInfo_}, 0);
  backendFields_->addWidget(endpointPage);
  backendFields_->addWidget(localPage);
  backendFields_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);

  question_->setPlaceholderText(tr("Question about the document (Enter to ask)"));
  stop_->setEnabled(false);
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  status_->setTextFormat(Qt::PlainText);

  auto* top = new QGridLayout;
  top->addWidget(open_, 0, 0);
  top->addWidget(documentInfo_, 0, 1, 1, 2);
  top->addWidget(backend_, 1, 0);
  top->addWidget(backendFields_, 1, 1, 1, 2);
  top->addWidget(new QLabel(tr("Question"), this), 2, 0, Qt::AlignRight);
  top->addWidget(question_, 2, 1);
  top->addWidget(row(this, {ask_, stop_}), 2, 2);
  // Whole document in one prompt, or the memory agent for documents beyond the model's window.
  mode_->addItem(tr("Whole document in the prompt"));
  mode_->addItem(tr("Memory agent: read in sections"));
  mode_->setToolTip(tr("Memory agent (QwenLong-L1.5): one call per section rewrites a memory of what matters for "
                       "the question; the answer comes from the memory alone. For documents longer than the "
                       "model's window."));
  sectionTokens_->setRange(64, 1000000);
  sectionTokens_->setSingleStep(500);
  sectionTokens_->setValue(static_cast<int>(config::MemoryConfig{}.chunkTokens));
  sectionTokens_->setSuffix(tr(" tokens a section"));
  sectionTokens_->setToolTip(tr("Estimated at %1 characters a token").arg(MemoryAgentDriver::kCharsPerToken));
  progress_->setVisible(false);
  progress_->setFormat(tr("%v of %m sections read"));
  top->addWidget(new QLabel(tr("Mode"), this), 3, 0, Qt::AlignRight);
  top->addWidget(row(this, {mode_, sectionTokens_, progress_}), 3, 1, 1, 2);
  top->setColumnStretch(1, 1);

  auto* l = new QVBoxLayout(this);
  l->addLayout(top);
  l->addWidget(status_);
  views_->addTab(trace_, tr("Document && answer"));
  views_->addTab(memorySteps_, tr("Memory steps"));
  views_->setDocumentMode(true);
  l->addWidget(views_, 1);
  l->addWidget(saveBar_);

  flush_->setSingleShot(true);
  flush_->setInterval(kFlushMs);
  answerPlaceholder_ = trace_->answerEdit()->placeholderText();

  connect(open_, &QPushButton::clicked, this, &DocumentQaPanel::chooseDocument);
  connect(backend_, &QComboBox::currentIndexChanged, backendFields_, &QStackedWidget::setCurrentIndex);
  connect(backend_, &QComboBox::currentIndexChanged, this, &DocumentQaPanel::updateButtons);
  connect(browseModel, &QPushButton::clicked, this, &DocumentQaPanel::chooseModelDir);
  for (QLineEdit* e : {question_, baseUrl_, modelDir_})
    connect(e, &QLineEdit::textChanged, this, &DocumentQaPanel::updateButtons);
  connect(saveBar_, &ExampleSaveBar::fieldsChanged, this, &DocumentQaPanel::updateButtons);
  connect(question_, &QLineEdit::returnPressed, this, [this] { if (ask_->isEnabled()) ask(); });
  connect(ask_, &QPushButton::clicked, this, &DocumentQaPanel::ask);
  connect(stop_, &QPushButton::clicked, this, &DocumentQaPanel::stop);
  connect(saveBar_, &ExampleSaveBar::saveRequested, this, &DocumentQaPanel::saveExample);
  connect(flush_, &QTimer::timeout, this, &DocumentQaPanel::flushStream);
  connect(&loader_, &QFutureWatcher<DocumentLoader::Result>::finished, this, &DocumentQaPanel::onDocumentRead);

  connect(mode_, &QComboBox::currentIndexChanged, this, &DocumentQaPanel::updateButtons);
  connect(agent_, &MemoryAgentDriver::sectionStarted, this, [this](int index, int count) {
    progress_->setRange(0, count);
    progress_->setValue(index);
    progress_->setVisible(true);
    setStatus(tr("Reading section %1 of %2 with %3 (memory so far: %4 characters)…")
                  .arg(index + 1)
                  .arg(count)
                  .arg(modelUsed_.isEmpty() ? tr("the model") : modelUsed_)
                  .arg(QLocale().toString(qlonglong(agent_->memory().size()))));
  });
  connect(agent_, &MemoryAgentDriver::sectionFinished, this, [this](int index, int) {
    progress_->setValue(index + 1);
    memorySteps_->setContent(document_, agent_->trajectory().toJson(), {});
    memorySteps_->showStep(index);
  });
  connect(agent_, &MemoryAgentDriver::finished, this, &DocumentQaPanel::streamAnswer);
  connect(agent_, &MemoryAgentDriver::failed, this, [this](const QString& m) { onStreamEnded(State::Failed, m); });
  connect(agent_, &MemoryAgentDriver::stopped, this, [this] { onStreamEnded(State::Stopped, {}); });
  connect(stream_, &ChatStream::textReceived, this, &DocumentQaPanel::onText);
  connect(stream_, &ChatStream::completed, this, [this] { onStreamEnded(State::Done, {}); });
  connect(stream_, &ChatStream::failed, this, [this](const QString& m) { onStreamEnded(State::Failed, m); });
  connect(stream_, &ChatStream::stopped, this, [this] { onStreamEnded(State::Stopped, {}); });
  connect(server_, &LocalModelServer::ready, this, [this](const QString& url, const QString& name) {
    serverInfo_->setText(tr("serving %1 at %2").arg(name, url));
    if (state_ == State::StartingServer) sendQuestion();
  });
  connect(server_, &LocalModelServer::failed, this, [this](const QString& message) {
    serverInfo_->setText(tr("not running"));
    if (state_ == State::StartingServer) onStreamEnded(State::Failed, message);
    else if (state_ == State::Streaming || state_ == State::ReadingSections) {
      serverFailure_ = message;  // its cause says more than the stream's "connection closed"
      if (state_ == State::Streaming) stream_->stop();
      else agent_->stop();
    } else {
      setStatus(message, true);
    }
  });
  connect(trace_, &viewers::DocumentTraceView::alignmentReady, this, &DocumentQaPanel::highlightsReady);

  loadSettings();
  setStatus(tr("Open a document, then ask a question about it."));
  updateButtons();
}

DocumentQaPanel::~DocumentQaPanel() {
  saveSettings();
  stream_->disconnect(this);
  server_->disconnect(this);
  loader_.waitForFinished();
}

void DocumentQaPanel::loadSettings() {
  QSettings s;
  s.beginGroup(QStringLiteral("documentQa"));
  baseUrl_->setText(s.value(QStringLiteral("baseUrl")).toString());
  model_->setText(s.value(QStringLiteral("model")).toString());
  modelDir_->setText(s.value(QStringLiteral("modelDir")).toString());
  saveBar_->loadSettings(s);
  backend_->setCurrentIndex(s.value(QStringLiteral("backend"), 0).toInt() == 1 ? 1 : 0);
  mode_->setCurrentIndex(s.value(QStringLiteral("mode"), 0).toInt() == 1 ? 1 : 0);
  sectionTokens_->setValue(s.value(QStringLiteral("sectionTokens"), sectionTokens_->value()).toInt());
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
}

DocumentQaPanel::Mode DocumentQaPanel::mode() const {
  return mode_->currentIndex() == 1 ? Mode::MemoryAgent : Mode::WholeDocument;
}

void DocumentQaPanel::setMode(Mode mode, int sectionTokens) {
  mode_->setCurrentIndex(mode == Mode::MemoryAgent ? 1 : 0);
  if (sectionTokens > 0) sectionTokens_->setValue(sectionTokens);
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
  if (isAsking()) stop();
  title_ = title;
  document_ = utf8Text;
  response_.clear();
  askedQuestion_.clear();
  shownThink_.clear();
  shownAnswer_.clear();
  state_ = State::Idle;
  // The character count is in the document pane's header; this says what matters for the prompt.
  documentInfo_->setText(tr("%1 — about %2 tokens").arg(title, QLocale().toString(qlonglong(document_.size() / 4))));
  showDocumentOnly(tr("Grounded passages of the answer will be highlighted here and in the document."));
  setStatus(tr("%1 is open. Ask a question about it.").arg(title));
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

void DocumentQaPanel::setLongrlProgram(const QString& program) { server_->setProgram(program); }

DocumentQaPanel::Backend DocumentQaPanel::backend() const { return Backend(backend_->currentIndex()); }

void DocumentQaPanel::chooseModelDir() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Model directory"), modelDir_->text());
  if (!dir.isEmpty()) modelDir_->setText(dir);
}

QString DocumentQaPanel::currentModelName() const {
  return backend() == Backend::LocalModel ? server_->modelName() : model_->text().trimmed();
}

// ---- asking ----

void DocumentQaPanel::setQuestion(const QString& question) { question_->setText(question); }

std::string DocumentQaPanel::prompt() const {
  return dataset::PromptTemplate::build(document_, question_->text().trimmed().toStdString());
}

void DocumentQaPanel::ask() {
  if (isAsking()) return;
  if (document_.empty()) return setStatus(tr("Open a document first."), true);
  if (question_->text().trimmed().isEmpty()) return setStatus(tr("Type a question first."), true);
  if (backend() == Backend::Endpoint && baseUrl_->text().trimmed().isEmpty())
    return setStatus(tr("Enter the endpoint's base URL (e.g. http://127.0.0.1:8000/v1)."), true);
  if (backend() == Backend::LocalModel && modelDir_->text().trimmed().isEmpty())
    return setStatus(tr("Choose a model directory."), true);

  askedQuestion_ = question_->text().trimmed().toStdString();
  response_.clear();
  shownThink_.clear();
  shownAnswer_.clear();
  saveBar_->groundTruthEdit()->clear();
  // Drops the previous answer's highlights (their positions are stale).
  showDocumentOnly(tr("Grounded passages are found when the answer is complete."));
  trace_->thinkingEdit()->setPlaceholderText(tr("Waiting for the model…"));
  trace_->answerEdit()->setPlaceholderText(tr("(the answer follows </think>)"));
  elapsed_.start();

  if (backend() == Backend::LocalModel) {
    server_->start(modelDir_->text().trimmed());
    if (server_->state() == LocalModelServer::State::Failed) {
      state_ = State::StartingServer;
      return onStreamEnded(State::Failed, server_->failure());
    }
    if (server_->state() != LocalModelServer::State::Ready) {
      state_ = State::StartingServer;
      serverInfo_->setText(tr("starting…"));
      setStatus(tr("Starting `longrl serve` on %1 (loading the model)…").arg(server_->modelDir()));
      updateButtons();
      return;
    }
  }
  sendQuestion();
}

void DocumentQaPanel::sendQuestion() {
  ChatStream::Request r;
  if (backend() == Backend::LocalModel) {
    r.baseUrl = server_->baseUrl();
    r.model = server_->modelName();
  } else {
    r.baseUrl = baseUrl_->text().trimmed();
    r.model = model_->text().trimmed();
    r.apiKey = apiKey_->text().trimmed();
  }
  modelUsed_ = r.model;
  request_ = r;
  if (mode() == Mode::MemoryAgent) {
    state_ = State::ReadingSections;
    updateButtons();
    memorySteps_->clear(tr("Reading the first section…"));
    views_->setCurrentWidget(memorySteps_);
    // The section replies get the recipe's memory budget; the answer, the server's default.
    agent_->start(r, document_, askedQuestion_, sectionTokens_->value(),
                  static_cast<int>(config::MemoryConfig{}.memoryTokens));  // may finish at once: no sections
    return;
  }
  const std::string p = dataset::PromptTemplate::build(document_, askedQuestion_);
  streamAnswer(QByteArray(p.data(), qsizetype(p.size())));
}

void DocumentQaPanel::streamAnswer(const QByteArray& userContent) {
  ChatStream::Request r = request_;
  r.userContent = userContent;
  state_ = State::Streaming;
  progress_->setVisible(false);
  if (mode() == Mode::MemoryAgent) views_->setCurrentWidget(trace_);
  updateButtons();
  setStatus(tr("Asking %1 at %2 (prompt: %3 characters%4)…")
                .arg(r.model.isEmpty() ? tr("the model") : r.model, r.baseUrl,
                     QLocale().toString(qlonglong(userContent.size())),
                     mode() == Mode::MemoryAgent ? tr(", the memory of %1 sections").arg(agent_->sectionCount())
                                                 : QString()));
  stream_->start(r);  // an invalid URL ends at once through failed()
}

void DocumentQaPanel::onText(const QByteArray& piece) {
  response_.append(piece.constData(), std::size_t(piece.size()));
  if (!flush_->isActive()) flush_->start();
}

void DocumentQaPanel::flushStream() {
  const auto parts = viewers::ResponseParts::split(response_);
  const std::string_view r(response_);
  updatePane(trace_->thinkingEdit(), shownThink_, r.substr(parts.thinkBegin, parts.thinkEnd - parts.thinkBegin));
  updatePane(trace_->answerEdit(), shownAnswer_, r.substr(parts.answerBegin, parts.answerEnd - parts.answerBegin));
  if (state_ == State::Streaming)
    setStatus(tr("Receiving the answer from %1… %2 characters, %3 s")
                  .arg(modelUsed_.isEmpty() ? tr("the model") : modelUsed_,
                       QLocale().toString(qlonglong(response_.size())), QString::number(elapsed_.elapsed() / 1000.0, 'f', 1)));
}

void DocumentQaPanel::stop() {
  if (state_ == State::ReadingSections) {
    agent_->stop();  // -> stopped -> onStreamEnded
  } else if (state_ == State::Streaming) {
    stream_->stop();  // -> stopped -> onStreamEnded
  } else if (state_ == State::StartingServer) {
    server_->stop();
    onStreamEnded(State::Stopped, {});
  }
}

void DocumentQaPanel::onStreamEnded(State how, QString message) {
  if (!serverFailure_.isEmpty()) {
    how = State::Failed;
    message = std::exchange(serverFailure_, QString());
  }
  flush_->stop();
  flushStream();
  progress_->setVisible(false);
  if (state_ == State::Streaming && mode() == Mode::MemoryAgent && !agent_->trajectory().steps.empty())
    memorySteps_->setContent(document_, agent_->trajectory().toJson(), response_);  // the answer as the last step
  state_ = how;
  trace_->thinkingEdit()->setPlaceholderText(QString());
  trace_->answerEdit()->setPlaceholderText(answerPlaceholder_);
  const QString secs = QString::number(elapsed_.elapsed() / 1000.0, 'f', 1);
  const QString chars = QLocale().toString(qlonglong(response_.size()));
  switch (how) {
    case State::Done: {
      QString s = tr("Answer complete: %1 characters in %2 s.").arg(chars, secs);
      if (stream_->finishReason() == QLatin1String("length"))
        s += tr(" It was cut at the token limit (finish_reason: length).");
      if (response_.find("</think>") == std::string::npos) s += tr(" No </think>: as a rollout it would score 0.");
      setStatus(s);
      break;
    }
    case State::Stopped:
      setStatus(tr("Stopped after %1 s (%2 characters received).").arg(secs, chars));
      break;
    default:
      setStatus(response_.empty() ? message : tr("%1 (%2 characters had arrived)").arg(message, chars), true);
      break;
  }
  // The model's final answer as the ground truth to confirm or correct.
  if (const auto answer = reward::AnswerExtractor::afterThink(response_)) {
    const auto extracted = reward::DocQaScorer::extract(*answer);
    saveBar_->groundTruthEdit()->setText(fromStd(extracted ? *extracted : reward::AnswerExtractor::trim(*answer)));
  }
  if (!response_.empty()) showAlignment();
  updateButtons();
  Q_EMIT answerFinished(how == State::Done);
}

void DocumentQaPanel::showDocumentOnly(const QString& traceStatus) {
  // Not setContent() with an empty response: the view would say "nothing to align", which is
  // wrong while an answer is on its way. clear() takes our message; the document goes in as is.
  trace_->clear(traceStatus);
  trace_->documentEdit()->setPlainText(fromStd(document_));
}

void DocumentQaPanel::showAlignment() {
  // DocumentTraceView splits the trace, aligns it to the document on a worker thread, highlights
  // both sides and links them (alignmentReady -> highlightsReady).
  viewers::DocumentTraceView::Content c;
  c.title = title_;
  c.document = document_;
  c.response = response_;
  c.question = fromStd(askedQuestion_);
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
  if (isAsking()) return refuse(tr("wait for the answer to finish (or stop it)."));
  if (document_.empty()) return refuse(tr("no document is open."));
  const std::string question = askedQuestion_.empty() ? question_->text().trimmed().toStdString() : askedQuestion_;
  if (question.empty()) return refuse(tr("no question."));

  dataset::DatasetRecord r;
  r.document = document_;
  r.question = question;
  nlohmann::json extra = {{"source", "longrl-studio document QA"}, {"document_title", title_.toStdString()}};
  if (!modelUsed_.isEmpty()) extra["model"] = modelUsed_.toStdString();
  if (const auto answer = reward::AnswerExtractor::afterThink(response_)) extra["model_answer"] = *answer;
  r.extraInfo = extra;
  if (const QString why = saveBar_->append(std::move(r)); !why.isEmpty()) return refuse(why);
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
  const bool asking = isAsking();
  const bool backendReady = backend() == Backend::Endpoint ? !baseUrl_->text().trimmed().isEmpty()
                                                           : !modelDir_->text().trimmed().isEmpty();
  ask_->setEnabled(!asking && !document_.empty() && !question_->text().trimmed().isEmpty() && backendReady);
  stop_->setEnabled(asking);
  backend_->setEnabled(!asking);
  backendFields_->setEnabled(!asking);
  mode_->setEnabled(!asking);
  sectionTokens_->setEnabled(!asking && mode() == Mode::MemoryAgent);
  open_->setEnabled(!asking && !loader_.isRunning());
  saveBar_->setSaveEnabled(!asking && !document_.empty() && saveBar_->fieldsFilled());
}

void DocumentQaPanel::setStatus(const QString& text, bool error) {
  statusError_ = error;
  status_->setText(text);
  status_->setStyleSheet(error ? QStringLiteral("color: #b00020; font-weight: bold") : QString());
}

QString DocumentQaPanel::statusText() const { return status_->text(); }

}  // namespace longrl::ui
