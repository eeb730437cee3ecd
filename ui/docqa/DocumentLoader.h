#pragma once
#include <QString>

#include <string>

namespace longrl::ui {

// Reads a document for document QA as plain UTF-8 text: .txt / .md / anything textual as it is
// (markdown is not rendered: a 100K-token file must open without a layout stall), .pdf through
// Qt PDF, one page's text after another (pages separated by a blank line). Blocking: call it from
// a worker thread for large files.
class DocumentLoader {
 public:
  struct Result {
    std::string text;  // valid UTF-8, LF line ends, no BOM
    QString title;     // the file name
    QString error;     // empty on success; names the file and the cause
    int pages = 0;     // PDF pages read (0 for text)
  };

  // Larger files are refused (a document QA prompt of this size fits no context window).
  static constexpr qint64 kMaxBytes = 256LL * 1024 * 1024;

  static Result load(const QString& path);
  // Whether PDFs can be read (Qt PDF was found at build time).
  static bool pdfSupported();
  // Bytes -> valid UTF-8 with LF line ends: invalid sequences become U+FFFD, a BOM is dropped.
  static std::string normalizeText(const QByteArray& bytes);
};

}  // namespace longrl::ui
