#pragma once
#include <QObject>

class QTableView;

namespace longrl::ui {

// Keeps the runs list's columns inside its dock with room for the run's name: every other column
// is as wide as its contents up to a cap, and the cap shrinks with the view (never below a few
// characters) so that the name keeps at least kNameChars. The name column takes what is left.
// Watches the view's size; call fit() after showing or hiding a column.
class RunsColumnFitter : public QObject {
 public:
  static constexpr int kNameChars = 10;
  static constexpr int kMinChars = 4;
  static constexpr int kMaxChars = 12;

  RunsColumnFitter(QTableView* view, int nameColumn);
  void fit();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  QTableView* view_;
  int nameColumn_;
};

}  // namespace longrl::ui
