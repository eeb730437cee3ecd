#include "ui/ScreenFit.h"

#include <QGuiApplication>
#include <QScreen>
#include <QWidget>

namespace longrl::ui {

QSize ScreenFit::room(const QRect& available) {
  return (available.size() - QSize(kFrame.left() + kFrame.right(), kFrame.top() + kFrame.bottom()))
      .expandedTo(QSize(1, 1));
}

QSize ScreenFit::fitted(const QSize& preferred, const QRect& available) { return preferred.boundedTo(room(available)); }

QRect ScreenFit::clamped(const QRect& geometry, const QRect& available) {
  const QSize size = geometry.size().boundedTo(room(available));
  const QRect inner = available.marginsRemoved(kFrame);
  // After the shrink the window fits, so both ranges are non-empty.
  const int x = qBound(inner.left(), geometry.x(), inner.left() + inner.width() - size.width());
  const int y = qBound(inner.top(), geometry.y(), inner.top() + inner.height() - size.height());
  return {QPoint(x, y), size};
}

QRect ScreenFit::availableFor(const QWidget* window) {
  // QWidget::screen() follows the parent's window, else the geometry, else the primary screen.
  const QScreen* screen = window ? window->screen() : QGuiApplication::primaryScreen();
  return screen ? screen->availableGeometry() : QRect(0, 0, 1366, 768);
}

void ScreenFit::resize(QWidget* window, const QSize& preferred) {
  window->resize(fitted(preferred, availableFor(window)));
}

void ScreenFit::resizeCentred(QWidget* window, const QSize& preferred) {
  const QRect available = availableFor(window);
  const QSize size = fitted(preferred, available);
  const QRect inner = available.marginsRemoved(kFrame);
  window->setGeometry(
      QRect(inner.topLeft() + QPoint((inner.width() - size.width()) / 2, (inner.height() - size.height()) / 2), size));
}

void ScreenFit::clampToScreen(QWidget* window) {
  if (window->isMaximized() || window->isFullScreen()) return;
  const QRect geometry = window->geometry();
  const QScreen* screen = QGuiApplication::screenAt(geometry.center());
  if (!screen) screen = window->screen();
  if (!screen) return;
  const QRect available = screen->availableGeometry();
  const QSize space = room(available);
  if (available.contains(geometry) && geometry.width() <= space.width() && geometry.height() <= space.height())
    return;  // where the user left it
  window->setGeometry(clamped(geometry, available));
}

}  // namespace longrl::ui
