/**
 * Grafana's `math` expression (pkg/expr/mathexp/exp.go, funcs.go, parse/): `$A > 0.2 && $B >= 5`-style expressions
 * over Scalars, Numbers and Series.
 *
 * - Binary operators pair the items of both sides by labels (`union`, below) and keep the union's labels.
 * - null propagates: any operation with a null operand gives null (TestNullValues in exp_nan_null_val_test.go).
 * - NaN propagates: every operator with a NaN operand gives NaN, except the short circuits `x || …` (x ≠ 0, NaN
 *   included, gives 1) and `0 && …` (gives 0), and unary `!NaN` is NaN (TestNaN).
 * - NoData on either side gives NoData (TestNoData).
 * - Functions (abs, log, round, ceil, floor, is_nan, is_inf) turn null into NaN (perFloat); is_null and is_number
 *   see null (perNullableFloat); nan(), inf(), infn(), null() are constants.
 * - x/0 is ±Inf and 0/0 NaN (IEEE, as in Go).
 */
import { ExpressionError, labelsOf, type ExprValue, type Labels, type NodeResult } from './exprValues';

type Token =
  | { type: 'num'; value: number }
  | { type: 'var'; name: string }
  | { type: 'op'; op: string }
  | { type: 'ident'; name: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|\$\{([A-Za-z_][\w ]*)\}|\$([A-Za-z_]\w*)|(\|\||&&|==|!=|<=|>=|\*\*|[-+*/%<>!(),])|([A-Za-z_]\w*))/y;
  let index = 0;
  while (index < text.length) {
    if (/^\s*$/.test(text.slice(index))) {
      break;
    }
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (!match) {
      throw new ExpressionError(`cannot parse math expression "${text}" at ${index}`);
    }
    index = pattern.lastIndex;
    if (match[1] !== undefined) {
      tokens.push({ type: 'num', value: Number(match[1]) });
    } else if (match[2] !== undefined || match[3] !== undefined) {
      tokens.push({ type: 'var', name: (match[2] ?? match[3])! });
    } else if (match[4] !== undefined) {
      tokens.push({ type: 'op', op: match[4] });
    } else {
      tokens.push({ type: 'ident', name: match[5]! });
    }
  }
  return tokens;
}

type Ast =
  | { type: 'num'; value: number }
  | { type: 'var'; name: string }
  | { type: 'unary'; op: string; arg: Ast }
  | { type: 'binary'; op: string; left: Ast; right: Ast }
  | { type: 'call'; name: string; args: Ast[] };

const PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  '**': 7,
};

/**
 * Parses a math expression with the grammar of mathexp/parse/parse.go: `||` < `&&` < comparisons < `+ -` < `* / %` <
 * `**` (left-associative) < unary `-` and `!`, which bind tightest (`-2 ** 2` is 4, `2 ** 3 ** 2` is 64).
 */
export function parseMath(text: string): Ast {
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const expectOp = (op: string) => {
    const token = tokens[position++];
    if (!token || token.type !== 'op' || token.op !== op) {
      throw new ExpressionError(`expected "${op}" in "${text}"`);
    }
  };
  const primary = (): Ast => {
    const token = tokens[position++];
    if (!token) {
      throw new ExpressionError(`unexpected end of "${text}"`);
    }
    if (token.type === 'num') {
      return { type: 'num', value: token.value };
    }
    if (token.type === 'var') {
      return { type: 'var', name: token.name };
    }
    if (token.type === 'ident') {
      expectOp('(');
      const args: Ast[] = [];
      if (!(peek()?.type === 'op' && (peek() as { op: string }).op === ')')) {
        args.push(binary(0));
        while (peek()?.type === 'op' && (peek() as { op: string }).op === ',') {
          position++;
          args.push(binary(0));
        }
      }
      expectOp(')');
      return { type: 'call', name: token.name, args };
    }
    if (token.op === '(') {
      const inner = binary(0);
      expectOp(')');
      return inner;
    }
    if (token.op === '-' || token.op === '!') {
      return { type: 'unary', op: token.op, arg: primary() };
    }
    throw new ExpressionError(`unexpected "${token.op}" in "${text}"`);
  };
  const power = (): Ast => {
    let left = primary();
    for (let next = peek(); next?.type === 'op' && next.op === '**'; next = peek()) {
      position++;
      left = { type: 'binary', op: '**', left, right: primary() };
    }
    return left;
  };
  const binary = (minPrecedence: number): Ast => {
    let left = power();
    for (;;) {
      const next = peek();
      if (!next || next.type !== 'op' || PRECEDENCE[next.op] === undefined || next.op === '**') {
        return left;
      }
      const precedence = PRECEDENCE[next.op]!;
      if (precedence <= minPrecedence) {
        return left;
      }
      position++;
      left = { type: 'binary', op: next.op, left, right: binary(precedence) };
    }
  };
  const ast = binary(0);
  if (position !== tokens.length) {
    throw new ExpressionError(`unexpected input after position ${position} in "${text}"`);
  }
  return ast;
}

/** Every `$ref` a math expression reads. */
export function mathReferences(text: string): string[] {
  return tokenize(text)
    .filter((t): t is { type: 'var'; name: string } => t.type === 'var')
    .map((t) => t.name);
}

/** Go's math.Pow where it differs from `**`: 1 to any power, and -1 to ±Inf, are 1. */
function pow(a: number, b: number): number {
  if (a === 1 || (a === -1 && !Number.isFinite(b))) {
    return 1;
  }
  return a ** b;
}

/** mathexp binaryOp: short circuits first, then NaN in gives NaN out, then the operator. */
export function binaryOp(op: string, a: number, b: number): number {
  if (op === '||' && a !== 0) {
    return 1;
  }
  if (op === '&&' && a === 0) {
    return 0;
  }
  if (Number.isNaN(a) || Number.isNaN(b)) {
    return Number.NaN;
  }
  const bool = (x: boolean) => (x ? 1 : 0);
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b; // Go's math.Mod: the sign of the dividend, like JavaScript
    case '**':
      return pow(a, b);
    case '==':
      return bool(a === b);
    case '!=':
      return bool(a !== b);
    case '<':
      return bool(a < b);
    case '<=':
      return bool(a <= b);
    case '>':
      return bool(a > b);
    case '>=':
      return bool(a >= b);
    case '||':
      return bool(a !== 0 || b !== 0);
    case '&&':
      return bool(a !== 0 && b !== 0);
    default:
      throw new ExpressionError(`expr: unknown operator ${op}`);
  }
}

function unaryOp(op: string, a: number): number {
  if (Number.isNaN(a)) {
    return Number.NaN;
  }
  return op === '-' ? -a : a === 0 ? 1 : 0;
}

/** A nullable operation lifted over a value: scalars and numbers keep their kind, series map every point. */
function mapValue(value: ExprValue, f: (v: number | null) => number | null): ExprValue {
  switch (value.kind) {
    case 'scalar':
      return { kind: 'scalar', value: f(value.value) };
    case 'number':
      return { kind: 'number', labels: value.labels, value: f(value.value) };
    case 'series':
      return { kind: 'series', labels: value.labels, points: value.points.map(([t, v]) => [t, f(v)]) };
    case 'nodata':
      return value;
  }
}

const nullSafe =
  (f: (v: number) => number) =>
  (v: number | null): number | null =>
    v === null ? null : f(v);
/** perFloat: null in gives NaN out. */
const perFloat =
  (f: (v: number) => number) =>
  (v: number | null): number =>
    v === null ? Number.NaN : f(v);

/** Go's math.Round rounds half away from zero; Math.round rounds half up. */
const roundHalfAway = (v: number) => Math.sign(v) * Math.round(Math.abs(v));

const FUNCTIONS: Record<string, (v: number | null) => number | null> = {
  abs: perFloat(Math.abs),
  log: perFloat(Math.log),
  round: perFloat(roundHalfAway),
  ceil: perFloat(Math.ceil),
  floor: perFloat(Math.floor),
  is_nan: perFloat((v) => (Number.isNaN(v) ? 1 : 0)),
  is_inf: perFloat((v) => (v === Infinity || v === -Infinity ? 1 : 0)),
  is_null: (v) => (v === null ? 1 : 0),
  is_number: (v) => (v !== null && Number.isFinite(v) ? 1 : 0),
};

const CONSTANTS: Record<string, number | null> = { nan: Number.NaN, inf: Infinity, infn: -Infinity, null: null };

function labelsEqual(a: Labels, b: Labels): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

function labelsContain(a: Labels, b: Labels): boolean {
  return Object.entries(b).every(([k, v]) => a[k] === v);
}

/** One pair of items a binary operator combines, with the labels of the result. */
export interface Union {
  labels: Labels;
  a: ExprValue;
  b: ExprValue;
}

/**
 * mathexp's `union`: NoData alone on one side pairs with the other side's first item; otherwise items pair when
 * their labels are equal, one side has none, or one set contains the other (the result takes the larger set); when
 * nothing pairs and each side has one item, they pair anyway without labels.
 */
export function union(left: readonly ExprValue[], right: readonly ExprValue[]): Union[] {
  if (left.length === 0 || right.length === 0) {
    return [];
  }
  if ((left.length === 1 || right.length === 1) && (left[0]!.kind === 'nodata' || right[0]!.kind === 'nodata')) {
    return [{ labels: {}, a: left[0]!, b: right[0]! }];
  }
  const unions: Union[] = [];
  for (const a of left) {
    for (const b of right) {
      const la = labelsOf(a);
      const lb = labelsOf(b);
      const sizeA = Object.keys(la).length;
      const sizeB = Object.keys(lb).length;
      let labels: Labels;
      if (labelsEqual(la, lb) || sizeA === 0 || sizeB === 0) {
        labels = sizeA === 0 ? lb : la;
      } else if (sizeA === sizeB) {
        continue;
      } else if (labelsContain(la, lb)) {
        labels = la;
      } else if (labelsContain(lb, la)) {
        labels = lb;
      } else {
        continue;
      }
      unions.push({ labels, a, b });
    }
  }
  if (unions.length === 0 && left.length === 1 && right.length === 1) {
    unions.push({ labels: {}, a: left[0]!, b: right[0]! });
  }
  return unions;
}

const nullable = (op: string, a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : binaryOp(op, a, b);

/** Series op series: points at the same time only (biSeriesSeries); others are dropped. */
function seriesBySeries(
  op: string,
  labels: Labels,
  a: ExprValue & { kind: 'series' },
  b: ExprValue & { kind: 'series' }
) {
  const right = new Map(b.points.map(([t, v]) => [t, v]));
  const points: Array<[number, number | null]> = [];
  for (const [t, v] of a.points) {
    if (right.has(t)) {
      points.push([t, nullable(op, v, right.get(t)!)]);
    }
  }
  return { kind: 'series' as const, labels, points };
}

function combine(op: string, { labels, a, b }: Union): ExprValue {
  if (a.kind === 'nodata') {
    return a;
  }
  if (b.kind === 'nodata') {
    return b;
  }
  if (a.kind === 'series' && b.kind === 'series') {
    return seriesBySeries(op, labels, a, b);
  }
  if (a.kind === 'series' && b.kind !== 'series') {
    return { kind: 'series', labels, points: a.points.map(([t, v]) => [t, nullable(op, v, b.value)]) };
  }
  if (b.kind === 'series' && a.kind !== 'series') {
    return { kind: 'series', labels, points: b.points.map(([t, v]) => [t, nullable(op, a.value, v)]) };
  }
  const value = nullable(op, (a as { value: number | null }).value, (b as { value: number | null }).value);
  return a.kind === 'scalar' && b.kind === 'scalar' ? { kind: 'scalar', value } : { kind: 'number', labels, value };
}

function evaluateAst(ast: Ast, vars: Record<string, NodeResult>): ExprValue[] {
  switch (ast.type) {
    case 'num':
      return [{ kind: 'scalar', value: ast.value }];
    case 'var': {
      const result = vars[ast.name];
      if (!result) {
        throw new ExpressionError(`math expression refers to unknown $${ast.name}`);
      }
      return result.values;
    }
    case 'unary':
      return evaluateAst(ast.arg, vars).map((v) =>
        mapValue(
          v,
          nullSafe((x) => unaryOp(ast.op, x))
        )
      );
    case 'call': {
      if (ast.name in CONSTANTS) {
        if (ast.args.length !== 0) {
          throw new ExpressionError(`${ast.name}() takes no argument`);
        }
        return [{ kind: 'scalar', value: CONSTANTS[ast.name]! }];
      }
      const fn = FUNCTIONS[ast.name];
      if (!fn) {
        throw new ExpressionError(`unknown math function ${ast.name}()`);
      }
      if (ast.args.length !== 1) {
        throw new ExpressionError(`${ast.name}() takes one argument`);
      }
      return evaluateAst(ast.args[0]!, vars).map((v) => mapValue(v, fn));
    }
    case 'binary': {
      const left = evaluateAst(ast.left, vars);
      const right = evaluateAst(ast.right, vars);
      return union(left, right).map((pair) => combine(ast.op, pair));
    }
  }
}

/** Evaluates a math expression over the results of the nodes it refers to. */
export function math(expression: string, vars: Record<string, NodeResult>): NodeResult {
  return { values: evaluateAst(parseMath(expression), vars) };
}
