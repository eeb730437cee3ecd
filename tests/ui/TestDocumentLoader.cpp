#include <QtTest/QtTest>

#include <QPainter>
#include <QPdfWriter>

#include <fstream>

#include "support/TestPaths.h"
#include "ui/docqa/DocumentLoader.h"

using longrl::ui::DocumentLoader;

namespace {
void writeBytes(const QString& path, const QByteArray& bytes) {
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write(bytes);
}
}  // namespace

class TestDocumentLoader : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void textIsNormalised() {
    const QString dir = QString::fromStdString(longrl::test::freshTempDir("docqa-loader-text"));
    // BOM, CR LF and lone CR line ends, a stray invalid byte.
    writeBytes(dir + "/a.txt", "\xEF\xBB\xBFline one\r\nline two\rcaf\xC3\xA9 \xFF end\n");
    const auto r = DocumentLoader::load(dir + "/a.txt");
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(r.title, QStringLiteral("a.txt"));
    QCOMPARE(r.text, std::string("line one\nline two\ncaf\xC3\xA9 \xEF\xBF\xBD end\n"));
    QCOMPARE(r.pages, 0);
  }

  void markdownStaysPlainText() {
    const QString dir = QString::fromStdString(longrl::test::freshTempDir("docqa-loader-md"));
    const QByteArray md = "# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n**bold** and `code`\n";
    writeBytes(dir + "/notes.md", md);
    const auto r = DocumentLoader::load(dir + "/notes.md");
    QVERIFY(r.error.isEmpty());
    QCOMPARE(QByteArray::fromStdString(r.text), md);
  }

  void pdfTextIsExtractedPageByPage() {
    if (!DocumentLoader::pdfSupported()) QSKIP("built without Qt PDF");
    const QString dir = QString::fromStdString(longrl::test::freshTempDir("docqa-loader-pdf"));
    const QString path = dir + "/report.pdf";
    {
      QPdfWriter writer(path);
      QPainter p(&writer);
      QFont f = p.font();
      f.setPointSize(14);
      p.setFont(f);
      p.drawText(QRect(200, 200, 8000, 800), QStringLiteral("The harbour of Port Ellery recorded ships."));
      writer.newPage();
      p.drawText(QRect(200, 200, 8000, 800), QStringLiteral("Second page about saffron."));
    }
    const auto r = DocumentLoader::load(path);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(r.pages, 2);
    const QString text = QString::fromStdString(r.text);
    QVERIFY2(text.contains(QStringLiteral("Port Ellery recorded ships")), qPrintable(text));
    QVERIFY2(text.indexOf(QStringLiteral("saffron")) > text.indexOf(QStringLiteral("Ellery")), qPrintable(text));
  }

  void badFilesSayWhy() {
    const QString dir = QString::fromStdString(longrl::test::freshTempDir("docqa-loader-bad"));
    auto r = DocumentLoader::load(dir + "/missing.txt");
    QVERIFY(r.error.contains(QStringLiteral("no such file")));
    QVERIFY(r.error.contains(QStringLiteral("missing.txt")));
    writeBytes(dir + "/blob.bin", QByteArray("\x7f"
                                             "ELF\0\0\0\x01",
                                             8));
    r = DocumentLoader::load(dir + "/blob.bin");
    QVERIFY2(r.error.contains(QStringLiteral("binary")), qPrintable(r.error));
    writeBytes(dir + "/empty.txt", {});
    r = DocumentLoader::load(dir + "/empty.txt");
    QVERIFY(r.error.contains(QStringLiteral("empty")));
    r = DocumentLoader::load(dir);
    QVERIFY(r.error.contains(QStringLiteral("not a file")));
    if (DocumentLoader::pdfSupported()) {
      writeBytes(dir + "/fake.pdf", "this is not a pdf");
      r = DocumentLoader::load(dir + "/fake.pdf");
      QVERIFY2(r.error.contains(QStringLiteral("not a valid PDF")), qPrintable(r.error));
    }
  }
};

QTEST_MAIN(TestDocumentLoader)
#include "TestDocumentLoader.moc"
