"""Regenerates tests/data/jinja-cases.json: each construct's template, context and the text
jinja2 renders for it (with transformers' environment, see tests/tokenizer/chat_template_reference.py).
TestJinjaTemplate checks the C++ evaluator against these recorded renderings without Python.

Usage: python3 tests/core/make_jinja_cases.py CASES.py > tests/data/jinja-cases.json
CASES.py defines ROWS = [(name, template, context), ...].
"""
import json
import os
import runpy
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tokenizer"))
import chat_template_reference as ref  # noqa: E402


def main():
    rows = runpy.run_path(sys.argv[1])["ROWS"]
    cases = []
    for name, template, context in rows:
        text = ref.compile_template(template).render(**context)
        cases.append({"name": name, "template": template, "context": context, "expected": text})
    json.dump(cases, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
