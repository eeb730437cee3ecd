#pragma once
#include <QFutureWatcher>
#include <QString>
#include <QWidget>

#include <string>

#include "ui/docqa/DocumentLoader.h"
#include "ui/docqa/DocumentQaSession.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLayout;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTabWidget;

namespace longrl::viewers {
class DocumentTraceView;
class MemoryStepsView;
}  // namespace longrl::viewers

namespace longrl::ui {

class ExampleSaveBar;
class LocalModelServer;

// Document QA: open a document (text, markdown shown as plain text, PDF), ask a question, and
// watch a model's answer stream in, its <think> part and its answer apart. The prompt is the
// recipe's (PromptTemplate::build(document, question), one user message) sent to an
// OpenAI-compatible endpoint, or to `longrl serve` started here on a local model directory (a
// child process: no LibTorch in the GUI). When the answer is complete, core's grounding aligner
// links the trace to the document (DocumentTraceView: highlights on both sides, click a passage to
// find its source). "Save as example" (ExampleSaveBar) appends the session to a dataset file with the
// ground truth the user confirmed, ready for the next training phase.
// A document longer than the model's window can be read in memory-agent mode (QwenLong-L1.5,
// MemoryAgentDriver): one call per section rewrites the memory, with progress over the sections
// and the steps shown in the "Memory steps" tab; the final call answers from the memory.
// In compress mode (QwenLong-CPRS) `longrl compress` on a compressor model directory first keeps
// what the question needs; the prompt holds only the kept text, and the kept spans are shaded in
// the document by their scores, with the ratio in its header.
// The conversation and its states live in DocumentQaSession (no widgets); the panel holds the
// widgets and their settings, drives the session and draws what its signals say.
class DocumentQaPanel : public QWidget {
  Q_OBJECT
 public:
  using Backend = DocumentQaSession::Backend;
  using State = DocumentQaSession::State;
  using Mode = DocumentQaSession::Mode;

  explicit DocumentQaPanel(QWidget* parent = nullptr);
  ~DocumentQaPanel() override;

  // Reads the file on a worker thread; documentLoaded() or an error in the status line follows.
  void openDocument(const QString& path);
  // Asks for a file to open.
  void chooseDocument();
  void setDocument(const QString& title, const std::string& utf8Text);
  bool hasDocument() const { return !session_->document().empty(); }

  void setEndpoint(const QString& baseUrl, const QString& model, const QString& apiKey = {});
  // Selects the local backend: `longrl serve --model DIR` is started at the first question.
  void setLocalModel(const QString& modelDir);
  // The local model directory when the local backend is selected; "" otherwise.
  QString localModelDir() const;
  void setLongrlProgram(const QString& program);
  void setQuestion(const QString& question);

  // Sends the question (errors go to the status line). Streaming starts at once, or once the
  // local server is ready.
  void ask();
  // Stops the running answer (what arrived stays, and is grounded).
  void stop();
  // Appends the session to the dataset file; false (and the reason in the status line) when a
  // field is missing or the file cannot be written.
  bool saveExample();

  State state() const { return session_->state(); }
  Mode mode() const;
  void setMode(Mode mode, int sectionTokens = 0);  // 0 keeps the section size
  // The compressor of compress mode: a `longrl compress-train` output, what it keeps and from
  // which score.
  void setCompressor(const QString& modelDir, const QString& granularity = QStringLiteral("sentence"),
                     double threshold = 0.5);
  const std::string& response() const { return session_->response(); }
  QString statusText() const;
  bool statusIsError() const { return statusError_; }

  viewers::DocumentTraceView* trace() const { return trace_; }
  LocalModelServer* localServer() const { return session_->localServer(); }
  QLineEdit* groundTruthEdit() const;
  QComboBox* dataSourceCombo() const;
  QLineEdit* datasetPathEdit() const;
  QPushButton* askButton() const { return ask_; }
  QPushButton* stopButton() const { return stop_; }
  QPushButton* saveButton() const;
  QComboBox* modeCombo() const { return mode_; }
  QProgressBar* sectionProgress() const { return progress_; }
  viewers::MemoryStepsView* memorySteps() const { return memorySteps_; }
  QLineEdit* compressorDirEdit() const { return compressorDir_; }
  QComboBox* granularityCombo() const { return granularity_; }
  QDoubleSpinBox* thresholdSpin() const { return threshold_; }

 Q_SIGNALS:
  void documentLoaded(const QString& title);
  void answerFinished(bool ok);        // completed (true) or failed / stopped (false)
  void highlightsReady(int passages);  // grounding of the latest answer is applied
  void exampleSaved(const QString& datasetPath);

 private:
  QWidget* buildBackendFields();
  QLayout* buildControls();
  void setupModeControls();
  QWidget* buildCompressOptions();
  void onCompressed();
  void connectControls();
  void connectSession();
  void onDocumentRead();
  void onAnswerStarting();
  void onStateChanged(State state);
  void onResponseUpdated();
  void onAnswerFinished(bool ok);
  void showDocumentOnly(const QString& traceStatus);
  void showAlignment();
  void updateButtons();
  void setStatus(const QString& text, bool error = false);
  void chooseModelDir();
  void chooseCompressorDir();
  void loadSettings();
  void saveSettings() const;
  Backend backend() const;

  // Document
  QPushButton* open_;
  QLabel* documentInfo_;
  // Backend
  QComboBox* backend_;
  QStackedWidget* backendFields_;
  QLineEdit* baseUrl_;
  QLineEdit* model_;
  QLineEdit* apiKey_;
  QLineEdit* modelDir_;
  QLabel* serverInfo_;
  // Question
  QLineEdit* question_;
  QPushButton* ask_;
  QPushButton* stop_;
  QComboBox* mode_;
  QStackedWidget* modeOptions_;  // the memory agent's section size, or the compressor's fields
  QSpinBox* sectionTokens_;
  QProgressBar* progress_;
  QLineEdit* compressorDir_;
  QComboBox* granularity_;
  QDoubleSpinBox* threshold_;
  QLabel* status_;
  QTabWidget* views_;
  viewers::DocumentTraceView* trace_;
  viewers::MemoryStepsView* memorySteps_;
  ExampleSaveBar* saveBar_;

  DocumentQaSession* session_;
  QFutureWatcher<DocumentLoader::Result> loader_;
  std::string shownThink_, shownAnswer_;  // what the panes hold while streaming
  QString answerPlaceholder_;
  bool statusError_ = false;
};

}  // namespace longrl::ui
