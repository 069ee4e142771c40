// The TextMate grammar for ONNX text, run through VS Code's own tokenizer (vscode-textmate + oniguruma): each kind
// of token in printed text gets the scope themes colour.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { readModelFile, printModel } from '../../src/core/onnx/text';

const require = createRequire(import.meta.url);
const vsctm = require('vscode-textmate') as typeof import('vscode-textmate');
const oniguruma = require('vscode-oniguruma') as typeof import('vscode-oniguruma');

const root = join(import.meta.dirname, '../..');
const grammarPath = join(root, 'syntaxes/onnxtext.tmLanguage.json');

interface Token {
  text: string;
  line: number;
  scopes: string[];
}

let grammarPromise: Promise<import('vscode-textmate').IGrammar> | undefined;

function grammar(): Promise<import('vscode-textmate').IGrammar> {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(join(root, 'node_modules/vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scope: string) =>
        scope === 'source.onnxtext' ? vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath) : null,
    });
    const g = await registry.loadGrammar('source.onnxtext');
    assert.ok(g, 'the grammar loads');
    return g;
  })();
  return grammarPromise;
}

async function tokenize(text: string): Promise<Token[]> {
  const g = await grammar();
  const out: Token[] = [];
  let stack = vsctm.INITIAL;
  text.split('\n').forEach((line, i) => {
    const r = g.tokenizeLine(line, stack);
    for (const t of r.tokens) out.push({ text: line.slice(t.startIndex, t.endIndex), line: i, scopes: t.scopes });
    stack = r.ruleStack;
  });
  return out;
}

/** The innermost scope of the n-th token whose text is exactly `text`. */
function scopeOf(tokens: Token[], text: string, nth = 0): string {
  const hits = tokens.filter((t) => t.text === text);
  assert.ok(hits[nth], `no token '${text}' (#${nth}) in ${JSON.stringify(tokens.map((t) => t.text))}`);
  return hits[nth]!.scopes.at(-1)!;
}

const SAMPLE = `<
  ir_version: 8,
  opset_import: ["" : 17, "com.microsoft" : 1],
  producer_name: "pytorch \\"2\\""
>
agraph (float[N, 128] X, int64[?] "shape:0") => (float[N, 10] C)
<
  float[128, 10] W = ["aiot_elided_sha256": "3f2a9c0d1e4b5a67"],
  float[10] B = {0.5, -1e-05, nan, -inf},
  seq(float[]) S
>
{
  # matmul then bias
  [mm] T = MatMul (X, W)
  C = com.microsoft.FusedGemm:v2 <alpha: float = 1, perm: ints = [1, 0], act: string = "relu", g: graph = body () => () {}> (T, B)
  Y = Constant <value_float: float = @alpha> ()
}`;

test('the grammar scopes keywords, types, dims, op names, attributes, strings, numbers and comments', async () => {
  const tokens = await tokenize(SAMPLE);
  const expect: [string, string, number?][] = [
    ['ir_version', 'keyword.other.header.onnxtext'],
    ['opset_import', 'keyword.other.header.onnxtext'],
    ['producer_name', 'keyword.other.header.onnxtext'],
    ['\\"', 'constant.character.escape.onnxtext'],
    ['agraph', 'entity.name.type.graph.onnxtext'],
    ['float', 'storage.type.primitive.onnxtext'],
    ['int64', 'storage.type.primitive.onnxtext'],
    ['N', 'variable.parameter.dimension.onnxtext'],
    ['128', 'constant.numeric.dimension.onnxtext'],
    ['?', 'constant.language.unknown-dimension.onnxtext'],
    ['=>', 'keyword.operator.arrow.onnxtext'],
    ['"aiot_elided_sha256"', 'support.constant.elided.onnxtext'],
    ['"3f2a9c0d1e4b5a67"', 'constant.other.sha256.onnxtext'],
    ['0.5', 'constant.numeric.float.onnxtext'],
    ['-1e-05', 'constant.numeric.float.onnxtext'],
    ['nan', 'constant.numeric.float.onnxtext'],
    ['-inf', 'constant.numeric.float.onnxtext'],
    ['seq', 'storage.type.onnxtext'],
    ['# matmul then bias', 'comment.line.number-sign.onnxtext'],
    ['mm', 'entity.name.tag.node.onnxtext'],
    ['MatMul', 'entity.name.function.operator.onnxtext'],
    ['com.microsoft.', 'entity.name.namespace.onnxtext'],
    ['FusedGemm', 'entity.name.function.operator.onnxtext'],
    ['v2', 'entity.name.function.overload.onnxtext'],
    ['alpha', 'entity.other.attribute-name.onnxtext'],
    ['ints', 'storage.type.attribute.onnxtext'],
    ['graph', 'storage.type.attribute.onnxtext'],
    ['body', 'entity.name.type.graph.onnxtext'],
    ['1', 'constant.numeric.integer.onnxtext'],
    ['alpha', 'variable.other.reference.onnxtext', 1],
    ['Constant', 'entity.name.function.operator.onnxtext'],
    ['X', 'variable.other.value.onnxtext', 1],
  ];
  for (const [text, scope, nth] of expect) assert.equal(scopeOf(tokens, text, nth), scope, `'${text}'`);
  // Strings are one scope from quote to quote.
  const relu = tokens.find((t) => t.text === 'relu');
  assert.ok(relu?.scopes.includes('string.quoted.double.onnxtext'));
});

test('printed models tokenize with every operator named as an operator', async () => {
  const model = readModelFile(join(root, 'test/fixtures/models/silero_vad_16k_op15.onnx'));
  assert.ok(model.ok);
  const text = printModel(model.value);
  const tokens = await tokenize(text);
  const ops = new Set(tokens.filter((t) => t.scopes.includes('entity.name.function.operator.onnxtext')).map((t) => t.text));
  const expected = new Set<string>();
  const visit = (nodes: typeof model.value.graph.nodes) => {
    for (const n of nodes) {
      expected.add(n.opType);
      for (const a of n.attributes) if (a.type === 'graph') visit(a.value.nodes);
    }
  };
  visit(model.value.graph.nodes);
  assert.deepEqual([...ops].sort(), [...expected].sort());
  assert.ok(!tokens.some((t) => t.scopes.some((s) => s.startsWith('invalid'))));
});
