"""The constructs TestJinjaTemplate checks; make_jinja_cases.py records what jinja2 renders for them."""
ROWS = [('text', 'Hello', {}),
 ('print', '{{ a }}-{{ b }}', {'a': 'x', 'b': 3}),
 ('comment', 'a{# note #}b', {}),
 ('trim_blocks', '{% if true %}\nyes\n{% endif %}\nend', {}),
 ('lstrip_blocks', 'x\n    {% if true %}\n    y\n    {% endif %}\nz', {}),
 ('minus_strip', 'a  \n  {%- if true -%}  \n  b  {%- endif %}', {}),
 ('var_minus', "a {{- 'b' -}} c", {}),
 ('plus_keeps', 'x\n    {%+ if true %}y{% endif %}', {}),
 ('trailing_newline', 'a\n', {}),
 ('crlf', 'a\r\nb{% if true %}\r\nc{% endif %}', {}),
 ('if_elif_else',
  '{% for i in [1,2,3] %}{% if i == 1 %}one{% elif i == 2 %}two{% else %}many{% endif %};{% endfor %}',
  {}),
 ('for_loop_vars',
  '{% for x in xs %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ '
  'loop.revindex }}{{ loop.revindex0 }}|{% endfor %}',
  {'xs': ['a', 'b', 'c']}),
 ('for_else', '{% for x in [] %}x{% else %}empty{% endfor %}', {}),
 ('for_filter', '{% for x in xs if x > 1 %}{{ x }}{{ loop.length }}{% endfor %}', {'xs': [1, 2, 3]}),
 ('for_unpack', '{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}', {'d': {'a': 2, 'b': 1}}),
 ('for_dict', '{% for k in d %}{{ k }}{% endfor %}', {'d': {'a': 2, 'b': 1}}),
 ('prev_next',
  "{% for x in [1,2,3] %}{{ loop.previtem|default('-') }}{{ loop.nextitem|default('-') }} {% endfor %}",
  {}),
 ('cycle', "{% for x in [1,2,3] %}{{ loop.cycle('a','b') }}{% endfor %}", {}),
 ('break_continue',
  '{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 5 %}{% break %}{% endif %}{{ x '
  '}}{% endfor %}',
  {}),
 ('loop_scope',
  '{% set x = 1 %}{% for i in [1,2] %}{{ x }}{% set x = x + 10 %}{{ x }}{% endfor %}{{ x }}',
  {}),
 ('namespace',
  "{% set ns = namespace(n=0, s='') %}{% for i in [1,2,3] %}{% set ns.n = ns.n + i %}{% set ns.s = ns.s ~ i "
  '%}{% endfor %}{{ ns.n }} {{ ns.s }}',
  {}),
 ('set_block', '{% set t %}in {{ 1 + 1 }}{% endset %}[{{ t }}]', {}),
 ('set_block_filter', '{% set t | upper %}abc{% endset %}{{ t }}', {}),
 ('set_tuple', '{% set a, b = 1, 2 %}{{ a }}{{ b }}', {}),
 ('macro',
  "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} {{ greet('B', "
  "'?') }} {{ greet(name='C', punct='.') }}",
  {}),
 ('macro_outer', "{% set g = 'G' %}{% macro m() %}{{ g }}{{ x }}{% endmacro %}{{ m() }}", {'x': 'X'}),
 ('filter_block', "{% filter upper %}abc{{ 'd' }}{% endfilter %}", {}),
 ('with_block', '{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}{{ a }}', {}),
 ('raw', '{% raw %}{{ not }}{% endraw %}', {}),
 ('arith',
  '{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 1 + 2 * 3 }} {{ (1 + 2) '
  "* 3 }} {{ 10 / 5 }} {{ 1.5 + 1 }} {{ 'ab' * 3 }} {{ -x }}",
  {'x': 4}),
 ('floats', '{{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1e-5 }} {{ 3.0 }} {{ 1/3 }} {{ 1e16 }} {{ 123456789.0 }}', {}),
 ('concat', "{{ 'a' ~ 1 ~ none ~ undefined_thing ~ true }}", {}),
 ('compare',
  "{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 'a' < 'b' }} {{ 1 == 1.0 }} {{ 'a' != 'a' }} {{ [1,2] == [1,2] }} {{ 2 "
  '>= 2 }} {{ 1 <= 0 }}',
  {}),
 ('logic', "{{ 0 or 'x' }} {{ 1 and 'y' }} {{ not 0 }} {{ none or [] }} {{ true and false or true }}", {}),
 ('in_ops',
  "{{ 'b' in 'abc' }} {{ 2 in [1,2] }} {{ 'k' in d }} {{ 'z' not in d }} {{ 3 not in [1] }}",
  {'d': {'k': 1}}),
 ('ternary', "{{ 'y' if x else 'n' }}{{ 'y' if not x else 'n' }}[{{ 'only' if false }}]", {'x': 1}),
 ('repr', '{{ [1, \'a\', "b\'c", none, true, 1.5, {\'k\': [1]}] }} {{ (1,) }} {{ (\'a\', 2) }} {{ {} }}', {}),
 ('slicing',
  '{{ s[1:] }} {{ s[::-1] }} {{ s[-2:] }} {{ xs[1:3] }} {{ xs[::2] }} {{ xs[-1] }} {{ s[0] }} {{ xs[:-1] }} '
  '{{ s[10:] }}',
  {'s': 'héllo', 'xs': [1, 2, 3, 4]}),
 ('attr_item',
  "{{ m.content }} {{ m['role'] }} {{ m.get('role') }} {{ m.get('none', 'd') }} {{ xs.0 }} {{ m.missing "
  '}}|{{ m.keys()|list }}',
  {'m': {'content': 'hi', 'role': 'user'}, 'xs': [5]}),
 ('defined_tests',
  '{{ x is defined }} {{ y is defined }} {{ y is undefined }} {{ n is none }} {{ n is not none }} {{ '
  'm.missing is defined }}',
  {'m': {}, 'n': None, 'x': 1}),
 ('type_tests',
  "{{ 's' is string }} {{ 1 is number }} {{ 1 is integer }} {{ 1.0 is integer }} {{ 1.0 is float }} {{ {} is "
  "mapping }} {{ [] is iterable }} {{ 's' is sequence }} {{ true is boolean }} {{ true is true }} {{ 1 is "
  'true }} {{ false is false }} {{ none is mapping }}',
  {}),
 ('value_tests',
  "{{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(4) }} {{ 'a' is equalto 'a' "
  '}} {{ 2 is in [1,2] }} {{ 1 is lt 2 }} {{ 3 is ge 4 }}',
  {}),
 ('str_methods',
  "[{{ s.strip() }}][{{ s.lstrip() }}][{{ s.rstrip() }}][{{ '--a--'.strip('-') }}][{{ 'xxaxx'.lstrip('x') "
  "}}][{{ 'a,b,,c'.split(',') }}][{{ ' a  b '.split() }}][{{ 'a,b,c'.rsplit(',', 1) }}][{{ "
  "'a,b,c'.split(',', 1) }}]",
  {'s': '\u3000 hi \n'}),
 ('str_methods2',
  "{{ s.startswith('ab') }} {{ s.endswith(('x', 'cd')) }} {{ s.replace('b', 'B') }} {{ s.upper() }} {{ "
  "'HeLLo wORLD'.lower() }} {{ 'hello world'.title() }} {{ 'hELLO'.capitalize() }} {{ s.find('c') }} {{ "
  "s.find('z') }} {{ 'aaa'.count('a') }} {{ '-'.join(['a','b']) }} {{ 'é€x'.find('x') }}",
  {'s': 'abcd'}),
 ('filters_text',
  "[{{ '  x  '|trim }}][{{ 'xxaxx'|trim('x') }}][{{ 'abc'|upper }}][{{ 'ABC'|lower }}][{{ 'hello "
  "wORLD-foo'|title }}][{{ 'hELLO'|capitalize }}][{{ 'aXbX'|replace('X', '-') }}][{{ 5|string }}][{{ '<a>'|e "
  "}}][{{ 'x'|safe }}]",
  {}),
 ('filters_num',
  "{{ '42'|int }} {{ 'x'|int }} {{ 'x'|int(7) }} {{ 3.9|int }} {{ '2.5'|float }} {{ -3|abs }} {{ 2.5|round "
  "}} {{ 3.5|round }} {{ 2.567|round(2) }} {{ 2.1|round(0, 'ceil') }} {{ '1.5'|int }}",
  {}),
 ('filters_seq',
  "{{ xs|length }} {{ xs|count }} {{ 'héllo'|length }} {{ xs|first }} {{ xs|last }} {{ xs|join(',') }} {{ "
  'xs|reverse|list }} {{ xs|sort|list }} {{ xs|sort(reverse=true)|list }} {{ xs|unique|list }} {{ xs|sum }} '
  "{{ xs|min }} {{ xs|max }} {{ 'abc'|list }} {{ 'abc'|reverse }}",
  {'xs': [3, 1, 2, 1]}),
 ('filters_dict', '{{ d|dictsort }} {{ d|items|list }} {{ d|length }} {{ d|list }}', {'d': {'A': 2, 'b': 1}}),
 ('filters_select',
  "{{ ms|selectattr('role', 'equalto', 'user')|map(attribute='content')|join('|') }} {{ "
  "ms|rejectattr('role', 'equalto', 'user')|list|length }} {{ [1,2,3,4]|select('odd')|list }} {{ "
  "[1,2,3,4]|reject('odd')|list }} {{ ['a','B']|map('upper')|list }} {{ [0,1,'',none,'x']|select|list }} {{ "
  "ms|selectattr('x')|list }} {{ ms|map(attribute='x', default='-')|list }}",
  {'ms': [{'content': 'a', 'role': 'user'},
          {'content': 'b', 'role': 'assistant', 'x': 1},
          {'content': 'c', 'role': 'user'}]}),
 ('default_filter',
  "{{ u|default('d') }} {{ ''|default('d') }} {{ ''|default('d', true) }} {{ u|d('x') }} {{ "
  "none|default('n') }}",
  {}),
 ('tojson',
  '{{ v|tojson }}|{{ v|tojson(indent=2) }}|{{ \'é"\\n\'|tojson }}|{{ v|tojson(sort_keys=true) }}|{{ [1.0, '
  "1e20, none, true]|tojson }}|{{ v|tojson(separators=(',', ':')) }}",
  {'v': {'a': {}, 'b': [], 'z': [1, {'y': 'ü'}]}}),
 ('indent',
  "{{ 'a\\nb\\n\\nc'|indent(2) }}|{{ 'a\\nb'|indent(2, true) }}|{{ 'a\\n\\nb'|indent(2, blank=true) }}",
  {}),
 ('range_dict',
  "{{ range(3)|list }} {{ range(1, 7, 2)|list }} {{ range(3, 0, -1)|list }} {{ dict(a=1, b='x') }}",
  {}),
 ('string_escapes', '{{ \'a\\tb\\\\c\\\'d\' }}{{ "e\\"f" }}{{ \'\\u00e9\\x41\' }}{{ \'x\' \'y\' }}', {}),
 ('unicode', '{{ s|length }} {{ s[1] }} {{ s[::-1] }} {{ s.upper() }}', {'s': 'a中😀é'}),
 ('undefined_prints_empty',
  '[{{ nothing }}][{{ nothing|string }}][{{ nothing|length }}]{% for x in nothing %}x{% endfor %}{% if '
  'nothing %}t{% else %}f{% endif %}',
  {}),
 ('messages_like',
  "{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + message.content + "
  "'<|im_end|>\\n' }}{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif "
  '%}',
  {'add_generation_prompt': True, 'messages': [{'content': 'hi', 'role': 'user'}]}),
 ('nested_loops',
  "{% for a in [1,2] %}{% for b in 'xy' %}{{ loop.index }}{{ a }}{{ b }} {% endfor %}{{ loop.index }};{% "
  'endfor %}',
  {}),
 ('whitespace_mix', "{%- if true %}\n  A\n{%- endif %}\n{{ 'B' }}\n  {# c #}\n  C\n", {}),
 ('strftime_static', "{{ strftime_now('%%') }}", {})]
