#pragma once
#include <QWidget>

#include <string>
#include <vector>

#include "core/memory/MemoryTrajectory.h"

class QLabel;
class QPlainTextEdit;
class QSlider;
class QToolButton;

namespace longrl::viewers {

// A memory-agent rollout step by step (QwenLong-L1.5): a slider over the section calls and the
// final answer; the document on the left with the section the step read highlighted and scrolled
// to; on the right the memory and plan the step wrote, its raw reply and what was malformed in it.
// Left/Right (or PageUp/PageDown) move between steps.
class MemoryStepsView : public QWidget {
  Q_OBJECT
 public:
  explicit MemoryStepsView(QWidget* parent = nullptr);

  // False (and a message in the header) when the trajectory cannot be read.
  bool setContent(const std::string& document, const std::string& trajectoryJson, const std::string& response);
  void clear(const QString& message = {});

  // 0..steps()-1 are section calls, steps() is the final answer.
  void showStep(int step);
  int step() const;
  int steps() const { return static_cast<int>(trajectory_.steps.size()); }
  // The highlighted section, in document-widget positions (UTF-16); empty on the final step.
  std::pair<int, int> highlighted() const { return highlighted_; }

  QLabel* header() const { return header_; }
  QSlider* slider() const { return slider_; }
  QPlainTextEdit* documentEdit() const { return document_; }
  QPlainTextEdit* memoryEdit() const { return memory_; }
  QPlainTextEdit* planEdit() const { return plan_; }
  QPlainTextEdit* replyEdit() const { return reply_; }

 protected:
  void keyPressEvent(QKeyEvent* event) override;

 private:
  QLabel* header_;
  QToolButton* prev_;
  QToolButton* next_;
  QSlider* slider_;
  QLabel* stepLabel_;
  QPlainTextEdit* document_;
  QPlainTextEdit* memory_;
  QPlainTextEdit* plan_;
  QPlainTextEdit* reply_;
  QLabel* replyLabel_;
  memory::MemoryTrajectory trajectory_;
  std::vector<int> bounds_;  // UTF-16 begin/end of each step's section
  QString response_;
  std::pair<int, int> highlighted_{0, 0};
};

}  // namespace longrl::viewers
