#include <QtTest/QtTest>

#include <QImage>
#include <QPainter>

#include <cmath>
#include <random>
#include <vector>

#include "viewers/chart/ColumnSpanRaster.h"

using longrl::viewers::ColumnSpanRaster;

namespace {
// A min/max envelope as the decimator hands it over: two points a pixel column, noisy.
QPolygonF denseZigzag(int columns, double left, double top, double height, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  QPolygonF points;
  for (int c = 0; c < columns; ++c) {
    const double a = top + u(rng) * height, b = top + u(rng) * height;
    points << QPointF(left + c + 0.2, a) << QPointF(left + c + 0.7, b);
  }
  return points;
}

// Rows painted (alpha > 0) in one column of an image: {first, last, count}.
struct ColumnInk {
  int first = -1, last = -1, count = 0;
};
ColumnInk inkIn(const QImage& image, int x) {
  ColumnInk ink;
  for (int y = 0; y < image.height(); ++y) {
    if (qAlpha(image.pixel(x, y)) == 0) continue;
    if (ink.first < 0) ink.first = y;
    ink.last = y;
    ++ink.count;
  }
  return ink;
}

QImage blank(QSize size, double dpr = 1.0) {
  QImage image(size * dpr, QImage::Format_ARGB32_Premultiplied);
  image.setDevicePixelRatio(dpr);
  image.fill(Qt::transparent);
  return image;
}
}  // namespace

class TestColumnSpanRaster : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void spansOfKnownSegments() {
    // A vertical segment, then a shallow one across three columns, inside a 10 x 20 clip at (0, 0).
    const QPolygonF points{{2.5, 3.2}, {2.5, 11.9}, {5.5, 13.0}};
    const ColumnSpanRaster r(points, QRect(0, 0, 10, 20));
    QCOMPARE(r.span(2), std::make_pair(3, 12));   // the vertical one, and the next one's start (y 11.9..12.08)
    QCOMPARE(r.span(3), std::make_pair(12, 12));  // y 12.07..12.43
    QCOMPARE(r.span(4), std::make_pair(12, 12));  // y 12.43..12.8
    QCOMPARE(r.span(5), std::make_pair(12, 13));  // y 12.8..13.0
    QVERIFY(r.span(1).first > r.span(1).second);
    QVERIFY(r.span(6).first > r.span(6).second);
    QCOMPARE(r.bounds(), QRect(QPoint(2, 3), QPoint(5, 13)));
  }

  void clipsAndSkipsNaN() {
    const double nan = std::nan("");
    const QPolygonF points{{-5.0, -5.0}, {1.5, 4.5}, {nan, 3.0}, {7.5, 2.0}, {30.0, 30.0}};
    const ColumnSpanRaster r(points, QRect(0, 0, 10, 10));
    // The first segment enters the clip at x 0 (y 2.31) and leaves column 0 at y 3.77.
    QCOMPARE(r.span(0), std::make_pair(2, 3));
    QCOMPARE(r.span(1).second, 4);
    // The NaN point breaks the line: nothing between x 1.5 and 7.5.
    for (int c = 2; c < 7; ++c) QVERIFY2(r.span(c).first > r.span(c).second, qPrintable(QString::number(c)));
    // The last segment runs off to the bottom right (y 3.87..5.11 in column 9): clipped at column 9.
    QCOMPARE(r.span(9), std::make_pair(3, 5));
    QCOMPARE(r.bounds().right(), 9);
    QVERIFY(r.bounds().right() <= 9 && r.bounds().bottom() <= 9 && r.bounds().top() >= 0);
    QVERIFY(ColumnSpanRaster(points, QRect()).isEmpty());
  }

  // Each column's span runs from the lowest to the highest pixel the polyline passes through in it
  // (checked against pixels found by walking every segment in small steps: within a row, as a step
  // can land just past a row border), with no gaps, and
  // every pixel an aliased 1 px polyline through the same points paints is painted here too,
  // give or take a pixel: the two differ in which column gets the rows where a steep segment
  // crosses a column border, and in rounding.
  void drawsThePixelsThePolylinePassesThrough() {
    const QSize size(420, 200);
    const QRectF clip(10, 10, 400, 180);
    const QPolygonF line = denseZigzag(400, 10, 20, 160, 3);
    const QColor color(30, 120, 200);

    QImage drawn = blank(size);
    {
      QPainter p(&drawn);
      p.setClipRect(clip);
      QVERIFY(ColumnSpanRaster::draw(&p, line, color, false, clip));
    }
    std::vector<ColumnInk> walked(size.width());
    for (qsizetype i = 0; i + 1 < line.size(); ++i)
      for (int step = 0; step <= 4000; ++step) {
        const QPointF q = line[i] + (line[i + 1] - line[i]) * (step / 4000.0);
        const int x = static_cast<int>(std::floor(q.x())), y = static_cast<int>(std::floor(q.y()));
        ColumnInk& ink = walked[x];
        ink.first = ink.count ? std::min(ink.first, y) : y;
        ink.last = ink.count ? std::max(ink.last, y) : y;
        ++ink.count;
      }
    for (int x = 10; x < 410; ++x) {
      const ColumnInk got = inkIn(drawn, x);
      QVERIFY2(std::abs(got.first - walked[x].first) <= 1 && std::abs(got.last - walked[x].last) <= 1,
               qPrintable(QString("column %1: segments pass rows %2-%3, span %4-%5")
                              .arg(x)
                              .arg(walked[x].first)
                              .arg(walked[x].last)
                              .arg(got.first)
                              .arg(got.last)));
      QCOMPARE(got.count, got.last - got.first + 1);  // one span, no holes
      QCOMPARE(drawn.pixel(x, got.first), color.rgba());
    }
    for (int y = 0; y < size.height(); ++y) QCOMPARE(qAlpha(drawn.pixel(5, y)), 0);  // clipped

    QImage reference = blank(size);
    {
      QPainter p(&reference);
      p.setClipRect(clip);
      QPen pen(color, 1.0);
      pen.setCosmetic(true);
      p.setPen(pen);
      p.drawPolyline(line);
    }
    int referencePixels = 0, drawnPixels = 0;
    for (int x = 11; x < 409; ++x) {
      drawnPixels += inkIn(drawn, x).count;
      for (int y = 0; y < size.height(); ++y) {
        if (qAlpha(reference.pixel(x, y)) == 0) continue;
        ++referencePixels;
        bool near = false;  // within a pixel: Qt also snaps coordinates to 1/64 px first
        for (int dx = -1; dx <= 1; ++dx)
          for (int dy = -1; dy <= 1; ++dy) near = near || qAlpha(drawn.pixel(x + dx, y + dy)) != 0;
        QVERIFY2(near, qPrintable(QString("polyline pixel (%1, %2) not drawn").arg(x).arg(y)));
      }
    }
    QVERIFY2(std::abs(drawnPixels - referencePixels) < referencePixels / 20,
             qPrintable(QString("%1 pixels drawn, the polyline paints %2").arg(drawnPixels).arg(referencePixels)));
  }

  void translucentColourIsNotDoubled() {
    // A faint raw line under its smoothed curve: every pixel gets the colour once, however many
    // segments cross it (stroking blends each overlap again).
    QImage drawn = blank(QSize(60, 60));
    const QColor faint(200, 40, 40, 77);
    {
      QPainter p(&drawn);
      QVERIFY(ColumnSpanRaster::draw(&p, denseZigzag(50, 5, 5, 50, 9), faint, false, QRectF(0, 0, 60, 60)));
    }
    for (int y = 0; y < 60; ++y)
      for (int x = 0; x < 60; ++x) {
        const QRgb px = drawn.pixel(x, y);
        QVERIFY(qAlpha(px) == 0 || qAlpha(px) == 77);
      }
  }

  void boldAddsARowAndHiDpiDrawsDevicePixels() {
    const QPolygonF line{{0.0, 10.0}, {20.0, 10.0}};
    QImage one = blank(QSize(20, 20));
    QImage bold = blank(QSize(20, 20));
    QImage hidpi = blank(QSize(20, 20), 2.0);
    {
      QPainter p(&one);
      QVERIFY(ColumnSpanRaster::draw(&p, line, Qt::black, false, QRectF(0, 0, 20, 20)));
    }
    {
      QPainter p(&bold);
      QVERIFY(ColumnSpanRaster::draw(&p, line, Qt::black, true, QRectF(0, 0, 20, 20)));
    }
    {
      QPainter p(&hidpi);
      QVERIFY(ColumnSpanRaster::draw(&p, line, Qt::black, false, QRectF(0, 0, 20, 20)));
    }
    const ColumnInk a = inkIn(one, 7), b = inkIn(bold, 7);
    QCOMPARE(a.first, 10);
    QCOMPARE(a.count, 1);
    QCOMPARE(b.first, 10);
    QCOMPARE(b.count, 2);
    // At device pixel ratio 2 the line is one device pixel high at device row 20, across all 40 columns.
    const ColumnInk h = inkIn(hidpi, 33);
    QCOMPARE(h.first, 20);
    QCOMPARE(h.count, 1);
    QCOMPARE(inkIn(hidpi, 0).count, 1);
  }

  void translatedPainterDrawsInPlace() {
    QImage drawn = blank(QSize(40, 40));
    {
      QPainter p(&drawn);
      p.translate(10.3, 5.0);
      QVERIFY(ColumnSpanRaster::draw(&p, QPolygonF{{2.0, 1.0}, {2.0, 6.0}}, Qt::black, false, QRectF(0, 0, 20, 20)));
    }
    const ColumnInk ink = inkIn(drawn, 12);
    QCOMPARE(ink.first, 6);
    QCOMPARE(ink.last, 11);
  }

  void refusesARotatedPainter() {
    QImage drawn = blank(QSize(40, 40));
    QPainter p(&drawn);
    p.rotate(30);
    QVERIFY(!ColumnSpanRaster::draw(&p, QPolygonF{{2.0, 1.0}, {20.0, 6.0}}, Qt::black, false, QRectF(0, 0, 40, 40)));
  }
};

QTEST_GUILESS_MAIN(TestColumnSpanRaster)
#include "TestColumnSpanRaster.moc"
