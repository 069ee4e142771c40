// Parses ONNX's textual syntax (onnx/defs/parser.cc grammar, plus AIoT Lens's elided-tensor placeholder and sparse
// tensor form) back into the IR, reporting the first error with its line and column.

import type { DType } from '../dtype';
import type {
  Attribute, AttributeType, Dim, FunctionDef, Graph, KeyValue, Model, Node, OpsetImport, SparseTensor, Tensor,
  TensorData, TypeInfo, ValueInfo,
  AttributeValue,
} from '../ir';
import { tensorElementCount } from '../ir';
import { err, ok, type Result } from '../../result';
import { ATTRIBUTE_TYPES, ELIDED_KEY, isPrimType, TYPE_KEYWORDS } from './syntax';
import { literalsToData, ValueError, type Literal } from './values';

/** A tensor whose values were elided in the text: its place in the source and the digest it must match. */
export interface ElidedTensor {
  tensor: Tensor;
  digest: string;
  line: number;
  column: number;
}

export interface ParsedModel {
  model: Model;
  /** Tensors printed as placeholders: their data is unknown until filled from the original model. */
  elided: ElidedTensor[];
}

export interface TextParseOptions {
  /** Names the file in error messages. */
  path?: string;
}

/** A syntax error at a position (1-based line and column). */
export class TextSyntaxError extends Error {
  constructor(readonly line: number, readonly column: number, readonly reason: string) {
    super(`${line}:${column}: ${reason}`);
  }
}

export function parseModelText(text: string, options: TextParseOptions = {}): Result<ParsedModel> {
  const p = new Parser(text);
  try {
    const model = p.model();
    return ok({ model, elided: p.elided });
  } catch (e) {
    if (e instanceof TextSyntaxError) return err('invalid-model', e.message, options.path);
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      return err('too-large', 'the text nests subgraphs too deeply to parse', options.path);
    }
    return err('internal', e instanceof Error ? e.message : String(e), options.path);
  }
}

/** Parses a single graph (as printed by printGraph). */
export function parseGraphText(text: string, options: TextParseOptions = {}): Result<Graph> {
  const p = new Parser(text);
  try {
    const g = p.graph();
    p.expectEnd();
    return ok(g);
  } catch (e) {
    if (e instanceof TextSyntaxError) return err('invalid-model', e.message, options.path);
    return err('internal', e instanceof Error ? e.message : String(e), options.path);
  }
}

const isAlpha = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdStart = (c: string) => isAlpha(c) || c === '_';
const isIdChar = (c: string) => isIdStart(c) || isDigit(c);

const SINGLETON: Partial<Record<AttributeType, AttributeType>> = {
  floats: 'float', ints: 'int', strings: 'string', tensors: 'tensor', graphs: 'graph',
  sparse_tensors: 'sparse_tensor', type_protos: 'type_proto',
};

class Parser {
  private pos = 0;
  readonly elided: ElidedTensor[] = [];

  constructor(private readonly src: string) {}

  // ---------- characters and tokens ----------

  private fail(reason: string, at = this.pos): never {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < this.src.length; i++) {
      if (this.src.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new TextSyntaxError(line, at - lineStart + 1, reason);
  }

  private skip(): void {
    const s = this.src;
    for (;;) {
      while (this.pos < s.length && /\s/.test(s[this.pos]!)) this.pos++;
      if (s[this.pos] !== '#') return;
      while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
    }
  }

  /** The position of the next token (after whitespace and comments). */
  private here(): number {
    this.skip();
    return this.pos;
  }

  private peek(): string {
    this.skip();
    return this.src[this.pos] ?? '';
  }

  private matches(ch: string): boolean {
    if (this.peek() === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  private describeNext(): string {
    const c = this.peek();
    if (c === '') return 'the end of the text';
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos, this.pos + 40));
    return `'${word ? word[0] : c}'`;
  }

  private expect(ch: string, context: string): void {
    if (!this.matches(ch)) this.fail(`expected '${ch}' ${context}, found ${this.describeNext()}`);
  }

  expectEnd(): void {
    if (this.peek() !== '') this.fail(`unexpected ${this.describeNext()} after the end`);
  }

  private optionalIdentifier(): string {
    this.skip();
    const s = this.src;
    const from = this.pos;
    if (this.pos < s.length && isIdStart(s[this.pos]!)) {
      this.pos++;
      while (this.pos < s.length && isIdChar(s[this.pos]!)) this.pos++;
    }
    return s.slice(from, this.pos);
  }

  private identifier(what: string): string {
    const id = this.optionalIdentifier();
    if (!id) this.fail(`expected ${what}, found ${this.describeNext()}`);
    return id;
  }

  private peekIdentifier(): string {
    const save = this.pos;
    const id = this.optionalIdentifier();
    this.pos = save;
    return id;
  }

  private stringLiteral(what: string): string {
    const lit = this.literal(what);
    if (lit.kind !== 'string') this.fail(`expected ${what} (a quoted string), found '${lit.text}'`);
    return lit.text;
  }

  /** A name: identifier or quoted string; undefined when neither is next. */
  private optionalQuotableId(): string | undefined {
    const c = this.peek();
    if (c === '"') return this.stringLiteral('a name');
    const id = this.optionalIdentifier();
    return id === '' ? undefined : id;
  }

  private quotableId(what: string): string {
    const id = this.optionalQuotableId();
    if (id === undefined) this.fail(`expected ${what}, found ${this.describeNext()}`);
    return id;
  }

  private isFloatWordAt(i: number): boolean {
    const m = /^[A-Za-z]+/.exec(this.src.slice(i, i + 10));
    if (!m) return false;
    const next = this.src[i + m[0].length] ?? '';
    if (isDigit(next) || next === '_') return false;
    const w = m[0].toLowerCase();
    return w === 'nan' || w === 'inf' || w === 'infinity';
  }

  /** A string, integer or float literal (ONNX's rules: `-` sign, one `.`, exponent, nan/inf/infinity). */
  private literal(what: string): Literal {
    const s = this.src;
    const c = this.peek();
    const from = this.pos;
    if (c === '"') {
      this.pos++;
      let out = '';
      for (;;) {
        if (this.pos >= s.length) this.fail('unterminated string', from);
        const ch = s[this.pos]!;
        if (ch === '"') break;
        if (ch === '\\') {
          this.pos++;
          if (this.pos >= s.length) this.fail('unterminated string', from);
        }
        out += s[this.pos];
        this.pos++;
      }
      this.pos++;
      return { kind: 'string', text: out };
    }
    if (c === '-') this.pos++;
    const d = s[this.pos] ?? '';
    if (isAlpha(d)) {
      if (!this.isFloatWordAt(this.pos)) this.fail(`expected ${what}, found ${this.describeNext()}`, from);
      while (this.pos < s.length && isAlpha(s[this.pos]!)) this.pos++;
      return { kind: 'float', text: s.slice(from, this.pos) };
    }
    if (!isDigit(d)) this.fail(`expected ${what}, found ${this.describeNextAt(from)}`, from);
    let isFloat = false;
    while (this.pos < s.length && (isDigit(s[this.pos]!) || s[this.pos] === '.')) {
      if (s[this.pos] === '.') {
        if (isFloat) break;
        isFloat = true;
      }
      this.pos++;
    }
    if (s[this.pos] === 'e' || s[this.pos] === 'E') {
      isFloat = true;
      this.pos++;
      if (s[this.pos] === '+' || s[this.pos] === '-') this.pos++;
      if (!isDigit(s[this.pos] ?? '')) this.fail('expected digits in the exponent');
      while (this.pos < s.length && isDigit(s[this.pos]!)) this.pos++;
    }
    return { kind: isFloat ? 'float' : 'int', text: s.slice(from, this.pos) };
  }

  private describeNextAt(at: number): string {
    const save = this.pos;
    this.pos = at;
    const d = this.describeNext();
    this.pos = save;
    return d;
  }

  private intLiteral(what: string): number {
    const at = this.here();
    const lit = this.literal(what);
    if (lit.kind !== 'int') this.fail(`expected ${what} (an integer), found '${lit.text}'`, at);
    return Number(lit.text);
  }

  // ---------- model, header, functions ----------

  model(): Model {
    const model: Model = {
      irVersion: 0, opsetImports: [], producerName: '', producerVersion: '', domain: '', modelVersion: 0,
      docString: '', graph: undefined as unknown as Graph, metadataProps: [], functions: [],
    };
    if (this.matches('<')) {
      do {
        const at = this.here();
        const key = this.identifier('a model keyword such as ir_version');
        this.expect(':', `after '${key}'`);
        switch (key) {
          case 'ir_version': model.irVersion = this.intLiteral('the IR version'); break;
          case 'opset_import': model.opsetImports = this.opsetList(); break;
          case 'producer_name': model.producerName = this.stringLiteral('the producer name'); break;
          case 'producer_version': model.producerVersion = this.stringLiteral('the producer version'); break;
          case 'domain': model.domain = this.stringLiteral('the domain'); break;
          case 'model_version': model.modelVersion = this.intLiteral('the model version'); break;
          case 'doc_string': model.docString = this.stringLiteral('the doc string'); break;
          case 'metadata_props': model.metadataProps = this.keyValueList('metadata_props'); break;
          default: this.fail(`unknown model keyword '${key}'`, at);
        }
      } while (this.matches(','));
      this.expect('>', 'to close the model header');
    }
    model.graph = this.graph();
    while (this.peek() !== '') model.functions.push(this.function());
    return model;
  }

  private opsetList(): OpsetImport[] {
    const out: OpsetImport[] = [];
    this.expect('[', 'to open the opset list');
    if (this.matches(']')) return out;
    do {
      const domain = this.stringLiteral('an opset domain');
      this.expect(':', 'after the opset domain');
      out.push({ domain, version: this.intLiteral('the opset version') });
    } while (this.matches(','));
    this.expect(']', 'to close the opset list');
    return out;
  }

  /** `["key": "value", ...]` (the opening bracket is consumed here). */
  private keyValueList(what: string): KeyValue[] {
    const out: KeyValue[] = [];
    this.expect('[', `to open ${what}`);
    if (this.matches(']')) return out;
    do {
      const key = this.stringLiteral('a key');
      this.expect(':', 'after the key');
      out.push({ key, value: this.stringLiteral('a value') });
    } while (this.matches(','));
    this.expect(']', `to close ${what}`);
    return out;
  }

  private function(): FunctionDef {
    const fn: FunctionDef = {
      name: '', domain: '', inputs: [], outputs: [], attributeNames: [], attributeDefaults: [], nodes: [],
      opsetImports: [], valueInfo: [],
    };
    if (this.matches('<')) {
      do {
        const at = this.here();
        const key = this.identifier('a function keyword such as domain');
        this.expect(':', `after '${key}'`);
        switch (key) {
          case 'domain': fn.domain = this.stringLiteral('the function domain'); break;
          case 'overload': fn.overload = this.stringLiteral('the overload name'); break;
          case 'opset_import': fn.opsetImports = this.opsetList(); break;
          case 'doc_string': fn.docString = this.stringLiteral('the doc string'); break;
          default: this.fail(`unknown function keyword '${key}'`, at);
        }
      } while (this.matches(','));
      this.expect('>', 'to close the function header');
    }
    fn.name = this.quotableId('a function name');
    if (this.matches('<')) {
      do {
        const name = this.quotableId('an attribute name');
        const next = this.peek();
        if (next === ':' || next === '=') fn.attributeDefaults.push(this.attributeAfterName(name));
        else fn.attributeNames.push(name);
      } while (this.matches(','));
      this.expect('>', 'to close the function attributes');
    }
    fn.inputs = this.functionIO(fn.valueInfo, 'inputs');
    this.arrow();
    fn.outputs = this.functionIO(fn.valueInfo, 'outputs');
    if (this.matches('<')) {
      if (!this.matches('>')) {
        do fn.valueInfo.push(this.valueInfo()); while (this.matches(','));
        this.expect('>', 'to close the value infos');
      }
    }
    fn.nodes = this.nodeList();
    return fn;
  }

  private functionIO(valueInfo: ValueInfo[], what: string): string[] {
    const names: string[] = [];
    this.expect('(', `to open the function ${what}`);
    if (this.matches(')')) return names;
    do {
      const type = this.nextIsType() ? this.type() : undefined;
      const name = this.quotableId('a name');
      names.push(name);
      if (type) valueInfo.push({ name, type });
    } while (this.matches(','));
    this.expect(')', `to close the function ${what}`);
    return names;
  }

  private arrow(): void {
    this.skip();
    if (this.src.startsWith('=>', this.pos)) this.pos += 2;
    else this.fail(`expected '=>' between inputs and outputs, found ${this.describeNext()}`);
  }

  // ---------- graphs and nodes ----------

  graph(): Graph {
    const graph: Graph = { name: '', nodes: [], initializers: [], sparseInitializers: [], inputs: [], outputs: [], valueInfo: [] };
    graph.name = this.quotableId('a graph name');
    this.expect('(', 'to open the graph inputs');
    if (!this.matches(')')) {
      do {
        const vi = this.valueInfo();
        graph.inputs.push(vi);
        if (this.matches('=')) graph.initializers.push(this.tensorData(vi.name, vi.type));
      } while (this.matches(','));
      this.expect(')', 'to close the graph inputs');
    }
    this.arrow();
    this.expect('(', 'to open the graph outputs');
    if (!this.matches(')')) {
      do graph.outputs.push(this.valueInfo()); while (this.matches(','));
      this.expect(')', 'to close the graph outputs');
    }
    if (this.matches('<')) {
      if (!this.matches('>')) {
        do {
          const vi = this.valueInfo();
          if (this.matches('=')) graph.initializers.push(this.tensorData(vi.name, vi.type));
          else graph.valueInfo.push(vi);
        } while (this.matches(','));
        this.expect('>', 'to close the initializers and value infos');
      }
    }
    graph.nodes = this.nodeList();
    return graph;
  }

  private nodeList(): Node[] {
    const nodes: Node[] = [];
    this.expect('{', 'to open the node list');
    while (!this.matches('}')) {
      if (this.peek() === '') this.fail("expected '}' to close the node list, found the end of the text");
      nodes.push(this.node());
    }
    return nodes;
  }

  /** Comma-separated names where an empty entry (`""` or nothing between commas) is an omitted value. */
  private idList(): string[] {
    const out: string[] = [];
    const first = this.optionalQuotableId();
    if (first === undefined) {
      if (this.peek() !== ',') return out;
      out.push('');
    } else out.push(first);
    while (this.matches(',')) {
      const id = this.optionalQuotableId();
      if (id === undefined) {
        if (this.peek() === ',') {
          out.push('');
          continue;
        }
        break;
      }
      out.push(id);
    }
    return out;
  }

  private node(): Node {
    const node: Node = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [] };
    if (this.matches('[')) {
      node.name = this.optionalQuotableId() ?? '';
      this.expect(']', 'to close the node name');
    }
    node.outputs = this.idList();
    this.expect('=', 'between the node outputs and the operator');
    const parts = [this.quotableId('an operator name')];
    while (this.matches('.')) parts.push(this.identifier('an operator name after the domain'));
    node.opType = parts.pop()!;
    node.domain = parts.join('.');
    if (node.domain === 'ai.onnx') {
      node.domain = '';
      node.extra = { domainSpelling: 'ai.onnx' };
    }
    if (this.matches(':')) node.overload = this.quotableId('an overload name');
    if (this.peek() === '<') node.attributes = this.attributeList();
    this.expect('(', `to open the inputs of ${node.opType}`);
    node.inputs = this.idList();
    this.expect(')', `to close the inputs of ${node.opType}`);
    if (node.attributes.length === 0 && this.peek() === '<') node.attributes = this.attributeList();
    return node;
  }

  // ---------- attributes ----------

  private attributeList(): Attribute[] {
    const out: Attribute[] = [];
    this.expect('<', 'to open the attributes');
    do out.push(this.attributeAfterName(this.quotableId('an attribute name'))); while (this.matches(','));
    this.expect('>', 'to close the attributes');
    return out;
  }

  private attributeAfterName(name: string): Attribute {
    let declared: AttributeType | undefined;
    if (this.matches(':')) {
      const at = this.here();
      const t = this.identifier('an attribute type');
      if (t === 'undefined') {
        if (this.peek() !== '=') return { name, type: 'undefined', value: null };
        declared = 'undefined';
      } else if (!ATTRIBUTE_TYPES.has(t as AttributeType)) this.fail(`unknown attribute type '${t}'`, at);
      else declared = t as AttributeType;
    }
    this.expect('=', `after attribute '${name}'`);
    if (this.matches('@')) {
      const ref = this.quotableId('the referenced attribute name');
      // ONNX allows an untyped reference (`to = @dtype`); its type stays unset, as onnx.parser leaves it.
      return { name, refAttrName: ref, ...emptyValue(declared ?? 'undefined') } as Attribute;
    }
    if (this.peek() === '[' && !(declared && isSingletonType(declared))) return this.attributeListValue(name, declared);
    const at = this.here();
    const single = this.singleAttributeValue(declared && declared !== 'undefined' ? declared : undefined);
    if (declared && declared !== 'undefined' && single.type !== declared) {
      this.fail(`attribute '${name}' is declared ${declared} but its value is ${single.type}`, at);
    }
    return { name, ...single } as Attribute;
  }

  private attributeListValue(name: string, declared: AttributeType | undefined): Attribute {
    this.expect('[', 'to open the attribute list');
    const elemType = declared ? SINGLETON[declared] : undefined;
    if (declared && !elemType) this.fail(`attribute '${name}' is declared ${declared} but its value is a list`);
    const items: AttrSingle[] = [];
    if (!this.matches(']')) {
      do {
        const at = this.here();
        const v = this.singleAttributeValue(elemType ?? items[0]?.type);
        if (items[0] && v.type !== items[0].type) this.fail(`list attribute '${name}' mixes ${items[0].type} and ${v.type}`, at);
        items.push(v);
      } while (this.matches(','));
      this.expect(']', 'to close the attribute list');
    }
    const type = declared ?? (items[0] ? (items[0].type + 's') as AttributeType : undefined);
    if (!type) this.fail(`empty list attribute '${name}' needs a type annotation (${name}: ints = [])`);
    return { name, type, value: items.map((i) => i.value) } as Attribute;
  }

  /** One attribute value; `expected` (from the annotation) decides ambiguous forms such as a graph named "float". */
  private singleAttributeValue(expected: AttributeType | undefined): AttrSingle {
    switch (expected) {
      case 'graph': return { type: 'graph', value: this.graph() };
      case 'tensor': return { type: 'tensor', value: this.tensor() };
      case 'type_proto': return { type: 'type_proto', value: this.type() };
      case 'sparse_tensor': return { type: 'sparse_tensor', value: this.sparse() };
      case 'float': {
        const at = this.here();
        const lit = this.literal('a float');
        if (lit.kind === 'string') this.fail(`expected a float, found a string`, at);
        return { type: 'float', value: numberOf(lit) };
      }
      case 'int': {
        const at = this.here();
        const lit = this.literal('an integer');
        if (lit.kind !== 'int') this.fail(`expected an integer, found '${lit.text}'`, at);
        return { type: 'int', value: Number(lit.text) };
      }
      case 'string': return { type: 'string', value: this.stringLiteral('a string') };
      default: break;
    }
    const c = this.peek();
    if (isIdStart(c)) {
      if (this.nextIsType()) {
        const save = this.pos;
        const type = this.type();
        const n = this.peek();
        if (n === '{' || n === '=' || n === '"' || isIdStart(n)) {
          this.pos = save;
          return { type: 'tensor', value: this.tensor() };
        }
        return { type: 'type_proto', value: type };
      }
      if (this.peekIdentifier() === 'sparse' && this.src[this.pos + 6] === '[') return { type: 'sparse_tensor', value: this.sparse() };
      if (this.isFloatWordAt(this.pos)) return { type: 'float', value: numberOf(this.literal('a float')) };
      return { type: 'graph', value: this.graph() };
    }
    const lit = this.literal('an attribute value');
    if (lit.kind === 'string') return { type: 'string', value: lit.text };
    if (lit.kind === 'int') return { type: 'int', value: Number(lit.text) };
    return { type: 'float', value: numberOf(lit) };
  }

  // ---------- types and tensors ----------

  private nextIsType(): boolean {
    const id = this.peekIdentifier();
    return isPrimType(id) || TYPE_KEYWORDS.has(id) || id === 'undefined';
  }

  private elemType(what: string): DType {
    const at = this.here();
    const id = this.identifier(what);
    if (id === 'undefined') return 'undefined';
    if (!isPrimType(id)) this.fail(`'${id}' is not an element type`, at);
    return id;
  }

  private shape(): Dim[] | undefined {
    if (!this.matches('[')) return [];
    if (this.matches(']')) return undefined;
    const dims: Dim[] = [];
    do {
      const c = this.peek();
      if (c === '?') {
        this.pos++;
        dims.push(null);
      } else if (c === '"') dims.push(this.stringLiteral('a dimension name'));
      else if (isIdStart(c)) dims.push(this.identifier('a dimension'));
      else dims.push(this.intLiteral('a dimension'));
    } while (this.matches(','));
    this.expect(']', 'to close the shape');
    return dims;
  }

  type(): TypeInfo {
    const at = this.here();
    const id = this.identifier('a type');
    if (isPrimType(id) || id === 'undefined') {
      const shape = this.shape();
      return shape === undefined ? { kind: 'tensor', elemType: id as DType } : { kind: 'tensor', elemType: id as DType, shape };
    }
    switch (id) {
      case 'seq': case 'optional': {
        this.expect('(', `after ${id}`);
        const elem = this.peek() === ')' ? undefined : this.type();
        this.expect(')', `to close ${id}(...)`);
        const kind = id === 'seq' ? 'sequence' : 'optional';
        return elem ? { kind, elem } : { kind };
      }
      case 'map': {
        this.expect('(', 'after map');
        const keyType = this.elemType('the map key type');
        this.expect(',', 'after the map key type');
        const value = this.peek() === ')' ? undefined : this.type();
        this.expect(')', 'to close map(...)');
        return value ? { kind: 'map', keyType, value } : { kind: 'map', keyType };
      }
      case 'sparse_tensor': {
        this.expect('(', 'after sparse_tensor');
        const elemType = this.elemType('the sparse tensor element type');
        const shape = this.shape();
        this.expect(')', 'to close sparse_tensor(...)');
        return shape === undefined ? { kind: 'sparse_tensor', elemType } : { kind: 'sparse_tensor', elemType, shape };
      }
      case 'opaque': {
        this.expect('(', 'after opaque');
        const names: string[] = [];
        if (this.peek() !== ')') {
          do {
            if (this.peek() === '"') names.push(this.stringLiteral('an opaque name'));
            else {
              let q = this.identifier('an opaque type name');
              while (this.matches('.')) q += '.' + this.identifier('a name after the dot');
              names.push(q);
            }
          } while (this.matches(','));
        }
        this.expect(')', 'to close opaque(...)');
        if (names.length > 2) this.fail('opaque(...) takes at most a domain and a name', at);
        return names.length === 2 ? { kind: 'opaque', domain: names[0]!, name: names[1]! } : { kind: 'opaque', domain: '', name: names[0] ?? '' };
      }
      default: return this.fail(`'${id}' is not a type`, at);
    }
  }

  private valueInfo(): ValueInfo {
    const type: TypeInfo = this.nextIsType() ? this.type() : { kind: 'unknown' };
    return { name: this.quotableId('a value name'), type };
  }

  /** `type [name] [=] data`, as in tensor attributes. */
  private tensor(): Tensor {
    const at = this.here();
    const type = this.type();
    if (type.kind !== 'tensor') this.fail('expected a tensor type', at);
    const name = this.peek() === '=' ? '' : (this.optionalQuotableId() ?? '');
    this.matches('=');
    return this.tensorData(name, type, at);
  }

  /** A tensor's data `{...}` or `[external data]` given its declared type. */
  private tensorData(name: string, type: TypeInfo, typeAt = this.here()): Tensor {
    if (type.kind !== 'tensor') this.fail(`initializer '${name}' needs a tensor type`, typeAt);
    const dims: number[] = [];
    for (const d of type.shape ?? []) {
      if (typeof d !== 'number') this.fail(`tensor '${name}' needs numeric dimensions, found '${d ?? '?'}'`, typeAt);
      dims.push(d);
    }
    if (type.shape === undefined) this.fail(`tensor '${name}' needs a shape (float[] means unknown rank)`, typeAt);
    const dtype = type.elemType;
    const at = this.here();
    let data: TensorData;
    if (this.matches('{')) {
      const lits: Literal[] = [];
      if (!this.matches('}')) {
        do lits.push(this.literal('a tensor value')); while (this.matches(','));
        this.expect('}', `to close the values of tensor '${name}'`);
      }
      try {
        data = literalsToData(dtype, tensorElementCount(dims), lits);
      } catch (e) {
        if (e instanceof ValueError) this.fail(`tensor '${name}': ${e.message}`, at);
        throw e;
      }
    } else if (this.peek() === '[') {
      const kv = this.keyValueList('the external data');
      data = this.externalOrElided(name, dims, dtype, kv, at);
    } else {
      this.fail(`expected '{' with the values of tensor '${name}' or '[' with its external data, found ${this.describeNext()}`);
    }
    const t: Tensor = { name, dtype, dims, data };
    if (data.kind === 'external' && data.location === '' && data.extra?.some((e) => e.key === ELIDED_KEY)) {
      const where = this.lineCol(at);
      this.elided.push({ tensor: t, digest: data.extra.find((e) => e.key === ELIDED_KEY)!.value, ...where });
    }
    return t;
  }

  private externalOrElided(name: string, dims: number[], dtype: DType, kv: KeyValue[], at: number): TensorData {
    const get = (k: string) => kv.find((e) => e.key === k)?.value;
    const elided = get(ELIDED_KEY);
    if (elided !== undefined) {
      if (!/^[0-9a-f]{8,64}$/.test(elided)) this.fail(`tensor '${name}': '${elided}' is not a sha256 hex prefix`, at);
      return { kind: 'external', location: '', offset: 0, extra: kv.filter((e) => e.key === ELIDED_KEY) };
    }
    const location = get('location');
    if (location === undefined) this.fail(`tensor '${name}': external data needs a "location" (or "${ELIDED_KEY}")`, at);
    const num = (k: string) => {
      const v = get(k);
      if (v === undefined) return undefined;
      if (!/^\d+$/.test(v)) this.fail(`tensor '${name}': external "${k}" must be a whole number, found "${v}"`, at);
      return Number(v);
    };
    const data: TensorData = { kind: 'external', location, offset: num('offset') ?? 0 };
    const length = num('length');
    if (length !== undefined) data.length = length;
    const checksum = get('checksum');
    if (checksum !== undefined) data.checksum = checksum;
    const extra = kv.filter((e) => !['location', 'offset', 'length', 'checksum'].includes(e.key));
    if (extra.length) data.extra = extra;
    void dims;
    void dtype;
    return data;
  }

  /** AIoT Lens's form for sparse tensors: `sparse[dims](values-tensor, indices-tensor)`. */
  private sparse(): SparseTensor {
    const at = this.here();
    if (this.identifier('sparse[...]') !== 'sparse') this.fail('expected sparse[dims](values, indices)', at);
    this.expect('[', 'after sparse');
    const dims: number[] = [];
    if (!this.matches(']')) {
      do dims.push(this.intLiteral('a dimension')); while (this.matches(','));
      this.expect(']', 'to close the sparse shape');
    }
    this.expect('(', 'to open the sparse values and indices');
    const values = this.tensor();
    this.expect(',', 'between the sparse values and indices');
    const indices = this.tensor();
    this.expect(')', 'to close the sparse tensor');
    return { values, indices, dims };
  }

  private lineCol(at: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      if (this.src.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    return { line, column: at - lineStart + 1 };
  }
}

/** The single-valued attribute forms (list forms are built from these). */
type AttrSingle = Extract<AttributeValue, { type: 'float' | 'int' | 'string' | 'tensor' | 'graph' | 'sparse_tensor' | 'type_proto' }>;

function isSingletonType(t: AttributeType): boolean {
  return SINGLETON[t] === undefined && t !== 'undefined';
}

function numberOf(l: Literal): number {
  const t = l.text.toLowerCase();
  const neg = t.startsWith('-');
  const body = neg ? t.slice(1) : t;
  if (body === 'nan') return NaN;
  if (body === 'inf' || body === 'infinity') return neg ? -Infinity : Infinity;
  return Math.fround(Number(l.text));
}

/** The value slot of an attribute that only refers to its caller's attribute (what decoding such an attribute gives). */
function emptyValue(type: AttributeType): { type: AttributeType; value: unknown } {
  const tensor = (): Tensor => ({ name: '', dtype: 'undefined', dims: [], data: { kind: 'empty' } });
  switch (type) {
    case 'float': case 'int': return { type, value: 0 };
    case 'string': return { type, value: '' };
    case 'tensor': return { type, value: tensor() };
    case 'graph': return { type, value: { name: '', nodes: [], initializers: [], sparseInitializers: [], inputs: [], outputs: [], valueInfo: [] } };
    case 'sparse_tensor': return { type, value: { values: tensor(), indices: tensor(), dims: [] } };
    case 'type_proto': return { type, value: { kind: 'unknown' } };
    case 'floats': case 'ints': case 'strings': case 'tensors': case 'graphs': case 'sparse_tensors': case 'type_protos':
      return { type, value: [] };
    default: return { type, value: null };
  }
}
