#pragma once
#include <QMargins>
#include <QRect>
#include <QSize>

class QWidget;

namespace longrl::ui {

// Sizes top-level windows from the screen they open on, so that they fit a laptop (1366x768) and
// a 1920x1080 screen at 200% (960x540 logical pixels) as well as a desktop monitor. Geometries are
// the windows' client areas; the frame is not known before a window is shown, so room is left for
// a title bar and borders.
class ScreenFit {
 public:
  // Room kept around a window's client area for its frame (title bar on top).
  static constexpr QMargins kFrame{8, 40, 8, 8};

  // The largest client area that fits `available` with its frame.
  static QSize room(const QRect& available);
  // `preferred`, made smaller where the screen has less room.
  static QSize fitted(const QSize& preferred, const QRect& available);
  // `geometry` made to fit `available`: shrunk to its room, then moved inside it.
  static QRect clamped(const QRect& geometry, const QRect& available);
  // The available area of the screen `window` opens on: its parent's, the one under its
  // geometry, or the primary screen.
  static QRect availableFor(const QWidget* window);
  // Resizes `window` to `preferred` fitted to its screen (a dialog is then centred on its parent
  // by Qt).
  static void resize(QWidget* window, const QSize& preferred);
  // Resizes `window` as resize() does and centres it on its screen.
  static void resizeCentred(QWidget* window, const QSize& preferred);
  // Clamps a window (not maximized or full screen), e.g. one whose saved geometry came from a
  // larger screen, to the screen it opens on.
  static void clampToScreen(QWidget* window);
};

}  // namespace longrl::ui
