#pragma once
#include <string>

namespace longrl::test {

// A fresh, empty directory for one test case (removed at process exit unless LONGRL_KEEP_TEST_TMP is set).
std::string freshTempDir(const std::string& name);
// Path of a file under the source tree, e.g. sourcePath("tests/data/x.jsonl").
std::string sourcePath(const std::string& relative);
// Path of the built `longrl` CLI.
std::string cliPath();
// The whole file as bytes ("" when it cannot be read).
std::string fileBytes(const std::string& path);

}  // namespace longrl::test
