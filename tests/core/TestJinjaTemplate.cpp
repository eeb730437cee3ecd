// The Jinja evaluator (core/template) on its own, without Python: each construct of
// tests/data/jinja-cases.json renders to the text jinja2 3.1 rendered for it (recorded by
// tests/core/make_jinja_cases.py with transformers' environment), and errors name the template
// and the line. Parity on real chat templates is TestChatTemplateParity's.
#include <QtTest/QtTest>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/template/JsonValue.h"
#include "core/template/Template.h"
#include "core/template/TemplateError.h"
#include "support/TestPaths.h"

using longrl::jinja::JsonValue;
using longrl::jinja::Template;
using longrl::jinja::TemplateError;
using longrl::jinja::Value;
using longrl::jinja::ValueDict;
using nlohmann::ordered_json;

namespace {

std::string render(const std::string& text, const ordered_json& context = ordered_json::object()) {
  return Template(text, "test.jinja").render(JsonValue::from(context).asDict());
}

// The error a template gives, parsing or rendering; fails the test when there is none.
TemplateError errorOf(const std::string& text, const ordered_json& context = ordered_json::object()) {
  try {
    render(text, context);
  } catch (const TemplateError& e) {
    return e;
  }
  throw std::runtime_error("no error for: " + text);
}

}  // namespace

class TestJinjaTemplate : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void rendersAsJinja2_data();
  void rendersAsJinja2();
  void errorsNameSourceAndLine_data();
  void errorsNameSourceAndLine();
  void generationBlockRendersItsBody();
  void parsedOnceRendersManyTimes();
  void namespaceIsSharedByReference();
  void callerVariablesOverrideNothingBuiltIn();
};

void TestJinjaTemplate::rendersAsJinja2_data() {
  QTest::addColumn<QByteArray>("text");
  QTest::addColumn<QByteArray>("context");
  QTest::addColumn<QByteArray>("expected");
  std::ifstream in(longrl::test::sourcePath("tests/data/jinja-cases.json"));
  QVERIFY(in.good());
  const ordered_json cases = ordered_json::parse(in);
  QVERIFY(cases.size() >= 50);
  for (const auto& c : cases)
    QTest::newRow(c["name"].get<std::string>().c_str())
        << QByteArray::fromStdString(c["template"].get<std::string>()) << QByteArray::fromStdString(c["context"].dump())
        << QByteArray::fromStdString(c["expected"].get<std::string>());
}

void TestJinjaTemplate::rendersAsJinja2() {
  QFETCH(QByteArray, text);
  QFETCH(QByteArray, context);
  QFETCH(QByteArray, expected);
  QCOMPARE(QString::fromStdString(render(text.toStdString(), ordered_json::parse(context.toStdString()))),
           QString::fromUtf8(expected));
}

void TestJinjaTemplate::errorsNameSourceAndLine_data() {
  QTest::addColumn<QByteArray>("text");
  QTest::addColumn<QByteArray>("context");
  QTest::addColumn<int>("line");
  QTest::addColumn<QString>("fragment");
  QTest::newRow("syntax") << QByteArray("line1\n{% if x %}\n{{ 1 + }}\n{% endif %}") << QByteArray("{}") << 3
                          << "unexpected end of print statement";
  QTest::newRow("unclosed if") << QByteArray("a\n{% if x %}\nb") << QByteArray("{}") << 3 << "expected 'endif'";
  QTest::newRow("unknown tag") << QByteArray("a\n\n{% frobnicate %}") << QByteArray("{}") << 3
                               << "unknown or unsupported tag 'frobnicate'";
  QTest::newRow("unterminated string") << QByteArray("\n{{ 'abc }}") << QByteArray("{}") << 2 << "unterminated string";
  QTest::newRow("unclosed comment") << QByteArray("a\n{# note") << QByteArray("{}") << 2 << "missing end of comment";
  QTest::newRow("attribute of undefined")
      << QByteArray("ok\n{{ m.a.b }}") << QByteArray(R"({"m": {}})") << 2 << "'dict object' has no attribute 'a'";
  QTest::newRow("undefined name used") << QByteArray("\n\n{{ nothing + 1 }}") << QByteArray("{}") << 3
                                       << "'nothing' is undefined";
  QTest::newRow("raise_exception") << QByteArray("{% if true %}\n\n{{ raise_exception('Bad roles') }}{% endif %}")
                                   << QByteArray("{}") << 3 << "Bad roles";
  QTest::newRow("type error") << QByteArray("\n{{ 'a' + 1 }}") << QByteArray("{}") << 2
                              << "can only concatenate str (not \"int\") to str";
  QTest::newRow("unknown filter") << QByteArray("{{ 1|nosuchfilter }}") << QByteArray("{}") << 1
                                  << "no filter named 'nosuchfilter'";
  QTest::newRow("sandbox") << QByteArray("{{ [1].append(2) }}") << QByteArray("{}") << 1
                           << "access to attribute 'append' of 'list' object is unsafe";
  QTest::newRow("namespace only") << QByteArray("{% set d = {} %}\n{% set d.x = 1 %}") << QByteArray("{}") << 2
                                  << "cannot assign attribute on non-namespace object";
  QTest::newRow("unpack") << QByteArray("{% for a, b in [[1, 2, 3]] %}{% endfor %}") << QByteArray("{}") << 1
                          << "too many values to unpack";
}

void TestJinjaTemplate::errorsNameSourceAndLine() {
  QFETCH(QByteArray, text);
  QFETCH(QByteArray, context);
  QFETCH(int, line);
  QFETCH(QString, fragment);
  const TemplateError e = errorOf(text.toStdString(), ordered_json::parse(context.toStdString()));
  const QString what = QString::fromStdString(e.what());
  QCOMPARE(e.line(), line);
  QVERIFY2(what.startsWith(QString("test.jinja:%1:%2: ").arg(line).arg(e.column())), qPrintable(what));
  QVERIFY2(what.contains(fragment), qPrintable(what));
}

// transformers' {% generation %} marks assistant text for return_assistant_tokens_mask.
void TestJinjaTemplate::generationBlockRendersItsBody() {
  QCOMPARE(QString::fromStdString(render("a{% generation %}{{ x }}{% endgeneration %}b", {{"x", "X"}})),
           QString("aXb"));
}

void TestJinjaTemplate::parsedOnceRendersManyTimes() {
  const Template t("{% set ns = namespace(n=0) %}{% for x in xs %}{% set ns.n = ns.n + x %}{% endfor %}{{ ns.n }}",
                   "sum.jinja");
  for (int n = 1; n <= 3; ++n) {
    ValueDict vars;
    longrl::jinja::ValueList xs(n, Value(2));
    vars.set("xs", Value::list(xs));
    QCOMPARE(QString::fromStdString(t.render(vars)), QString::number(2 * n));
  }
}

void TestJinjaTemplate::namespaceIsSharedByReference() {
  QCOMPARE(QString::fromStdString(render("{% set a = namespace(v=1) %}{% set b = a %}{% set b.v = 2 %}{{ a.v }}")),
           QString("2"));
}

void TestJinjaTemplate::callerVariablesOverrideNothingBuiltIn() {
  // A caller's variable named like a global shadows it, as jinja2's render(**vars) does.
  QCOMPARE(QString::fromStdString(render("{{ range }}", {{"range", "mine"}})), QString("mine"));
  QCOMPARE(QString::fromStdString(render("{{ range(2)|list }}")), QString("[0, 1]"));
}

QTEST_APPLESS_MAIN(TestJinjaTemplate)
#include "TestJinjaTemplate.moc"
