"""Reference rendering of chat templates, as transformers' apply_chat_template renders them.

Usage: chat_template_reference.py CASES.json
CASES.json: {"template": str, "special_tokens": {"bos_token": ...}, "cases": [{"messages": [...],
"add_generation_prompt": bool, "kwargs": {...}}, ...]}. Prints a JSON list with, per case,
{"text": rendered} or {"error": message}.
"""
import json
import sys
from datetime import datetime

import jinja2
import jinja2.ext
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # transformers' override: no HTML escaping, non-ASCII kept
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(fmt):
    return datetime.now().strftime(fmt)


def compile_template(text):
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env.from_string(text)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    template = compile_template(spec["template"])
    special = spec.get("special_tokens", {})
    out = []
    for case in spec["cases"]:
        kwargs = dict(case.get("kwargs", {}))
        tools = kwargs.pop("tools", None)
        documents = kwargs.pop("documents", None)
        try:
            text = template.render(messages=case["messages"], tools=tools, documents=documents,
                                   add_generation_prompt=case.get("add_generation_prompt", False),
                                   **special, **kwargs)
            out.append({"text": text})
        except Exception as e:  # the C++ side must fail too
            out.append({"error": f"{type(e).__name__}: {e}"})
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
