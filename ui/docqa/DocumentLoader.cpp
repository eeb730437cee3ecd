#include "ui/docqa/DocumentLoader.h"

#include <QFile>
#include <QFileInfo>
#include <QStringDecoder>

#ifdef LONGRL_HAVE_QTPDF
#include <QPdfDocument>
#include <QPdfSelection>
#endif

namespace longrl::ui {

bool DocumentLoader::pdfSupported() {
#ifdef LONGRL_HAVE_QTPDF
  return true;
#else
  return false;
#endif
}

std::string DocumentLoader::normalizeText(const QByteArray& bytes) {
  QStringDecoder decode(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);  // drops a BOM, U+FFFD for bad bytes
  QString text = decode(bytes);
  text.replace(QLatin1String("\r\n"), QLatin1String("\n"));
  text.replace('\r', '\n');
  const QByteArray utf8 = text.toUtf8();
  return std::string(utf8.constData(), std::size_t(utf8.size()));
}

DocumentLoader::Result DocumentLoader::load(const QString& path) {
  Result r;
  const QFileInfo info(path);
  r.title = info.fileName();
  if (!info.exists()) {
    r.error = QObject::tr("%1: no such file").arg(path);
    return r;
  }
  if (!info.isFile()) {
    r.error = QObject::tr("%1: not a file").arg(path);
    return r;
  }
  if (info.size() > kMaxBytes) {
    r.error = QObject::tr("%1: %2 MB is larger than the %3 MB a document may have")
                  .arg(path)
                  .arg(info.size() / (1024 * 1024))
                  .arg(kMaxBytes / (1024 * 1024));
    return r;
  }
  if (info.suffix().compare(QLatin1String("pdf"), Qt::CaseInsensitive) == 0) {
#ifdef LONGRL_HAVE_QTPDF
    QPdfDocument pdf;
    const auto err = pdf.load(path);
    if (err != QPdfDocument::Error::None) {
      QString why;
      switch (err) {
        case QPdfDocument::Error::FileNotFound:
          why = QObject::tr("file not found");
          break;
        case QPdfDocument::Error::InvalidFileFormat:
          why = QObject::tr("not a valid PDF");
          break;
        case QPdfDocument::Error::IncorrectPassword:
          why = QObject::tr("the PDF is password-protected");
          break;
        case QPdfDocument::Error::UnsupportedSecurityScheme:
          why = QObject::tr("unsupported PDF security scheme");
          break;
        case QPdfDocument::Error::DataNotYetAvailable:
          why = QObject::tr("data not available");
          break;
        default:
          why = QObject::tr("cannot read the PDF");
          break;
      }
      r.error = QObject::tr("%1: %2").arg(path, why);
      return r;
    }
    QString all;
    r.pages = pdf.pageCount();
    for (int p = 0; p < r.pages; ++p) {
      QString page = pdf.getAllText(p).text();
      page.replace(QLatin1String("\r\n"), QLatin1String("\n"));
      page.replace('\r', '\n');
      if (!all.isEmpty() && !page.trimmed().isEmpty()) all += QLatin1String("\n\n");
      all += page.trimmed();
    }
    if (all.trimmed().isEmpty()) {
      r.error =
          QObject::tr("%1: the PDF has no text layer (%2 pages; a scanned PDF needs OCR first)").arg(path).arg(r.pages);
      return r;
    }
    const QByteArray utf8 = all.toUtf8();
    r.text.assign(utf8.constData(), std::size_t(utf8.size()));
    return r;
#else
    r.error =
        QObject::tr("%1: this build has no PDF support (Qt PDF was not found); convert it to text first").arg(path);
    return r;
#endif
  }
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) {
    r.error = QObject::tr("%1: %2").arg(path, f.errorString());
    return r;
  }
  const QByteArray bytes = f.readAll();
  if (bytes.left(8192).contains('\0')) {
    r.error = QObject::tr("%1: a binary file, not text (open .txt, .md or .pdf)").arg(path);
    return r;
  }
  r.text = normalizeText(bytes);
  if (r.text.empty()) r.error = QObject::tr("%1: the file is empty").arg(path);
  return r;
}

}  // namespace longrl::ui
