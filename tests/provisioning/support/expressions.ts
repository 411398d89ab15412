/**
 * Grafana-managed alert rule evaluation, as Grafana's server-side expressions (pkg/expr, pkg/expr/mathexp) do it:
 *
 * - data queries become values: data-plane numeric frames give Numbers, time-series frames give Series, each with the
 *   labels of its value field; no frames (or frames without fields) is NoData; anything else is the error Grafana
 *   raises ("input data must be a wide series but got type …");
 * - `reduce` turns each Series into a Number (reducers last, mean, min, max, sum, count, median; modes strict, dropNN,
 *   replaceNN) and passes Numbers through;
 * - `math` evaluates `$A > 0.2 && $B >= 5`-style expressions over Numbers, joining the two sides of a binary operator
 *   by labels (equal sets, one side without labels, or one set containing the other; one item on each side joins
 *   regardless of labels), with Go's float semantics (NaN compares false, x/0 is ±Inf);
 * - `threshold` maps each value to 1 or 0 (gt, lt, within_range, outside_range);
 * - the rule's condition fires one alert instance per value that is non-zero; an empty condition result is NoData,
 *   a failed data query is Error.
 */
import type { CheckedFrame, Field } from '../../../src/backend/frames/frame';
import type { DataResponse } from '../../../src/backend/plugin/types';

export type Labels = Record<string, string>;

/** One number with labels (an instant value, or a reduced series). */
export interface NumberValue {
  kind: 'number';
  labels: Labels;
  value: number;
}

/** One time series with labels. */
export interface SeriesValue {
  kind: 'series';
  labels: Labels;
  points: Array<[number, number | null]>;
}

export type ExprValue = NumberValue | SeriesValue;

/** The result of one node: its values (empty = NoData). */
export interface NodeResult {
  values: ExprValue[];
}

/** A data query or expression of a provisioned rule (`data[]`). */
export interface RuleQuery {
  refId: string;
  datasourceUid: string;
  relativeTimeRange?: { from: number; to: number };
  model: Record<string, unknown>;
}

/** A provisioned alert rule (the fields evaluation needs). */
export interface ProvisionedRule {
  uid: string;
  title: string;
  condition: string;
  for?: string;
  noDataState?: string;
  execErrState?: string;
  data: RuleQuery[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** One alert instance of an evaluation. */
export interface Instance {
  labels: Labels;
  firing: boolean;
  /** The Number value of every refId that has one for these labels (what `$values` holds). */
  values: Record<string, number>;
}

/** The outcome of one evaluation, before noDataState/execErrState are applied. */
export interface Evaluation {
  health: 'ok' | 'nodata' | 'error';
  error?: string;
  instances: Instance[];
  /** Every node's values, by refId. */
  results: Record<string, NodeResult>;
}

/** Runs one data query of a rule for an absolute range; returns that refId's response. */
export type DataRunner = (query: RuleQuery, range: { from: number; to: number }) => Promise<DataResponse>;

export const EXPRESSION_DATASOURCE = '__expr__';

export class ExpressionError extends Error {}

// ------------------------------------------------------------------------------------------------ frames → values

function numberValues(field: Field): Array<number | null> {
  return Array.from(field.values as ArrayLike<number | bigint | null>, (v) => (v === null ? null : Number(v)));
}

/** Converts one data response to expression values, as Grafana's converter does for data-plane frames. */
export function framesToValues(refId: string, frames: readonly CheckedFrame[]): NodeResult {
  const withFields = frames.filter((frame) => frame.fields.length > 0);
  if (withFields.length === 0) {
    return { values: [] };
  }
  const values: ExprValue[] = [];
  for (const frame of withFields) {
    const type = frame.meta?.type;
    const time = frame.fields.find((f) => f.type === 'time');
    const numbers = frame.fields.filter((f) => f.type === 'number');
    if (type === 'numeric-multi' || type === 'numeric-wide') {
      for (const field of numbers) {
        const column = numberValues(field);
        if (column.length > 0) {
          values.push({ kind: 'number', labels: { ...(field.labels ?? {}) }, value: column[0] ?? Number.NaN });
        }
      }
    } else if (type === 'timeseries-multi' || type === 'timeseries-wide') {
      if (!time) {
        throw new ExpressionError(`[${refId}] ${type} frame without a time field`);
      }
      const times = Array.from(time.values as ArrayLike<number>);
      for (const field of numbers) {
        const column = numberValues(field);
        values.push({
          kind: 'series',
          labels: { ...(field.labels ?? {}) },
          points: times.map((t, i) => [t, column[i] ?? null]),
        });
      }
    } else {
      throw new ExpressionError(`[${refId}] input data must be a wide series but got type ${type ?? 'not specified'}`);
    }
  }
  return { values };
}

// ------------------------------------------------------------------------------------------------ reduce

function reduceSeries(
  points: ReadonlyArray<[number, number | null]>,
  reducer: string,
  settings: Record<string, unknown>
): number {
  const mode = typeof settings.mode === 'string' ? settings.mode : '';
  let values = points.map(([, v]) => (v === null ? Number.NaN : v));
  if (mode === 'dropNN') {
    values = values
      .filter((v) => Number.isFinite(v) || v === Infinity || v === -Infinity)
      .filter((v) => !Number.isNaN(v));
  } else if (mode === 'replaceNN') {
    const replacement = Number(settings.replaceWithValue ?? 0);
    values = values.map((v) => (Number.isNaN(v) ? replacement : v));
  } else if (mode !== '' && mode !== 'strict') {
    throw new ExpressionError(`unknown reduce mode "${mode}"`);
  }
  const strictNaN = values.some((v) => Number.isNaN(v));
  switch (reducer) {
    case 'count':
      return values.length;
    case 'last':
      return values.length > 0 ? values[values.length - 1]! : Number.NaN;
    case 'sum':
      return strictNaN ? Number.NaN : values.reduce((a, b) => a + b, 0);
    case 'mean':
      return strictNaN || values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
    case 'min':
      return strictNaN || values.length === 0 ? Number.NaN : Math.min(...values);
    case 'max':
      return strictNaN || values.length === 0 ? Number.NaN : Math.max(...values);
    case 'median': {
      if (strictNaN || values.length === 0) {
        return Number.NaN;
      }
      const sorted = [...values].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    }
    default:
      throw new ExpressionError(`unknown reducer "${reducer}"`);
  }
}

function reduce(input: NodeResult, reducer: string, settings: Record<string, unknown>): NodeResult {
  return {
    values: input.values.map((value) =>
      value.kind === 'number'
        ? value // Grafana passes numbers through a reduce unchanged
        : { kind: 'number', labels: value.labels, value: reduceSeries(value.points, reducer, settings) }
    ),
  };
}

// ------------------------------------------------------------------------------------------------ math

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

/** Parses a math expression (Go-like precedence; `**` binds tighter than unary minus, right-associative). */
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
      return { type: 'unary', op: token.op, arg: power() };
    }
    throw new ExpressionError(`unexpected "${token.op}" in "${text}"`);
  };
  const power = (): Ast => {
    const base = primary();
    const next = peek();
    if (next?.type === 'op' && next.op === '**') {
      position++;
      return { type: 'binary', op: '**', left: base, right: power() };
    }
    return base;
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

const truthy = (v: number) => v !== 0; // Go: NaN != 0 is true

function applyBinary(op: string, a: number, b: number): number {
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
      return a % b;
    case '**':
      return a ** b;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '&&':
      return truthy(a) && truthy(b) ? 1 : 0;
    case '||':
      return truthy(a) || truthy(b) ? 1 : 0;
    default:
      throw new ExpressionError(`unknown operator ${op}`);
  }
}

type MathValue = { scalar: number } | { numbers: NumberValue[] };

function labelsEqual(a: Labels, b: Labels): boolean {
  const ak = Object.keys(a);
  return ak.length === Object.keys(b).length && ak.every((k) => b[k] === a[k]);
}

function labelsContain(a: Labels, b: Labels): boolean {
  return Object.entries(b).every(([k, v]) => a[k] === v);
}

/** Grafana's mathexp `union`: pairs of items from both sides that a binary operator combines. */
export function union(a: NumberValue[], b: NumberValue[]): Array<{ labels: Labels; a: NumberValue; b: NumberValue }> {
  const pairs: Array<{ labels: Labels; a: NumberValue; b: NumberValue }> = [];
  if (a.length === 0 || b.length === 0) {
    return pairs;
  }
  for (const x of a) {
    for (const y of b) {
      const ax = x.labels;
      const by = y.labels;
      let labels: Labels;
      if (labelsEqual(ax, by) || Object.keys(ax).length === 0 || Object.keys(by).length === 0) {
        labels = Object.keys(ax).length === 0 ? by : ax;
      } else if (Object.keys(ax).length === Object.keys(by).length) {
        continue;
      } else if (labelsContain(ax, by)) {
        labels = ax;
      } else if (labelsContain(by, ax)) {
        labels = by;
      } else {
        continue;
      }
      pairs.push({ labels, a: x, b: y });
    }
  }
  if (pairs.length === 0 && a.length === 1 && b.length === 1) {
    pairs.push({ labels: {}, a: a[0]!, b: b[0]! });
  }
  return pairs;
}

function evaluateAst(ast: Ast, vars: Record<string, NodeResult>): MathValue {
  switch (ast.type) {
    case 'num':
      return { scalar: ast.value };
    case 'var': {
      const result = vars[ast.name];
      if (!result) {
        throw new ExpressionError(`math expression refers to unknown $${ast.name}`);
      }
      const numbers = result.values.map((v) => {
        if (v.kind !== 'number') {
          throw new ExpressionError(`$${ast.name} is a time series: reduce it before math (as these rules do)`);
        }
        return v;
      });
      return { numbers };
    }
    case 'unary': {
      const arg = evaluateAst(ast.arg, vars);
      const f = (v: number) => (ast.op === '-' ? -v : truthy(v) ? 0 : 1);
      return 'scalar' in arg
        ? { scalar: f(arg.scalar) }
        : { numbers: arg.numbers.map((n) => ({ ...n, value: f(n.value) })) };
    }
    case 'call': {
      if (ast.args.length !== 1) {
        throw new ExpressionError(`${ast.name}() takes one argument`);
      }
      const fns: Record<string, (v: number) => number> = {
        abs: Math.abs,
        log: Math.log,
        is_nan: (v) => (Number.isNaN(v) ? 1 : 0),
        is_inf: (v) => (v === Infinity || v === -Infinity ? 1 : 0),
        is_number: (v) => (Number.isFinite(v) ? 1 : 0),
      };
      const fn = fns[ast.name];
      if (!fn) {
        throw new ExpressionError(`unknown math function ${ast.name}()`);
      }
      const arg = evaluateAst(ast.args[0]!, vars);
      return 'scalar' in arg
        ? { scalar: fn(arg.scalar) }
        : { numbers: arg.numbers.map((n) => ({ ...n, value: fn(n.value) })) };
    }
    case 'binary': {
      const left = evaluateAst(ast.left, vars);
      const right = evaluateAst(ast.right, vars);
      if ('scalar' in left && 'scalar' in right) {
        return { scalar: applyBinary(ast.op, left.scalar, right.scalar) };
      }
      if ('scalar' in left && 'numbers' in right) {
        return { numbers: right.numbers.map((n) => ({ ...n, value: applyBinary(ast.op, left.scalar, n.value) })) };
      }
      if ('numbers' in left && 'scalar' in right) {
        return { numbers: left.numbers.map((n) => ({ ...n, value: applyBinary(ast.op, n.value, right.scalar) })) };
      }
      const pairs = union((left as { numbers: NumberValue[] }).numbers, (right as { numbers: NumberValue[] }).numbers);
      return {
        numbers: pairs.map((p) => ({
          kind: 'number',
          labels: p.labels,
          value: applyBinary(ast.op, p.a.value, p.b.value),
        })),
      };
    }
  }
}

function math(expression: string, vars: Record<string, NodeResult>): NodeResult {
  const result = evaluateAst(parseMath(expression), vars);
  return { values: 'scalar' in result ? [{ kind: 'number', labels: {}, value: result.scalar }] : result.numbers };
}

// ------------------------------------------------------------------------------------------------ threshold

function threshold(input: NodeResult, conditions: unknown): NodeResult {
  const first = Array.isArray(conditions)
    ? (conditions[0] as { evaluator?: { type?: string; params?: number[] } })
    : undefined;
  const type = first?.evaluator?.type;
  const params = first?.evaluator?.params ?? [];
  const test = (v: number): boolean => {
    switch (type) {
      case 'gt':
        return v > params[0]!;
      case 'lt':
        return v < params[0]!;
      case 'within_range':
        return v > params[0]! && v < params[1]!;
      case 'outside_range':
        return v < params[0]! || v > params[1]!;
      default:
        throw new ExpressionError(`unknown threshold evaluator "${String(type)}"`);
    }
  };
  return {
    values: input.values.map((value) => {
      if (value.kind !== 'number') {
        throw new ExpressionError('threshold needs numbers: reduce the time series first');
      }
      return { kind: 'number', labels: value.labels, value: test(value.value) ? 1 : 0 };
    }),
  };
}

// ------------------------------------------------------------------------------------------------ rules

/** The refIds an expression node reads. */
export function expressionInputs(model: Record<string, unknown>): string[] {
  const type = model.type;
  const expression = String(model.expression ?? '');
  if (type === 'math') {
    return mathReferences(expression);
  }
  if (type === 'reduce' || type === 'threshold' || type === 'resample') {
    return [expression.replace(/^\$\{?|\}$/g, '')];
  }
  throw new ExpressionError(`expression type "${String(type)}" is not supported here`);
}

/** Evaluates a rule at `now` (epoch ms): data queries through `run`, expressions as Grafana does. */
export async function evaluateRule(rule: ProvisionedRule, now: number, run: DataRunner): Promise<Evaluation> {
  const results: Record<string, NodeResult> = {};
  const byRef = new Map(rule.data.map((q) => [q.refId, q]));
  const data = rule.data.filter((q) => q.datasourceUid !== EXPRESSION_DATASOURCE);
  try {
    const responses = await Promise.all(
      data.map(async (query) => {
        const range = query.relativeTimeRange ?? { from: 600, to: 0 };
        const response = await run(query, { from: now - range.from * 1000, to: now - range.to * 1000 });
        return [query.refId, response] as const;
      })
    );
    for (const [refId, response] of responses) {
      if (response.error) {
        return { health: 'error', error: `[${refId}] ${response.error.message}`, instances: [], results };
      }
      results[refId] = framesToValues(refId, response.frames);
    }
    const evaluate = (refId: string, stack: string[] = []): NodeResult => {
      const done = results[refId];
      if (done) {
        return done;
      }
      const query = byRef.get(refId);
      if (!query) {
        throw new ExpressionError(`unknown refId ${refId}`);
      }
      if (stack.includes(refId)) {
        throw new ExpressionError(`cycle through ${[...stack, refId].join(' → ')}`);
      }
      const inputs = Object.fromEntries(
        expressionInputs(query.model).map((ref) => [ref, evaluate(ref, [...stack, refId])])
      );
      const model = query.model;
      let result: NodeResult;
      switch (model.type) {
        case 'math':
          result = math(String(model.expression), inputs);
          break;
        case 'reduce':
          result = reduce(
            Object.values(inputs)[0]!,
            String(model.reducer),
            (model.settings as Record<string, unknown>) ?? {}
          );
          break;
        case 'threshold':
          result = threshold(Object.values(inputs)[0]!, model.conditions);
          break;
        default:
          throw new ExpressionError(`expression type "${String(model.type)}" is not supported`);
      }
      results[refId] = result;
      return result;
    };
    for (const query of rule.data) {
      evaluate(query.refId);
    }
    const condition = results[rule.condition];
    if (!condition) {
      throw new ExpressionError(`condition ${rule.condition} has no result`);
    }
    if (condition.values.length === 0) {
      return { health: 'nodata', instances: [], results };
    }
    const instances = condition.values.map((value) => {
      if (value.kind !== 'number') {
        throw new ExpressionError('the condition must give numbers');
      }
      const values: Record<string, number> = {};
      for (const [refId, result] of Object.entries(results)) {
        const match = result.values.find(
          (v): v is NumberValue =>
            v.kind === 'number' && (labelsEqual(v.labels, value.labels) || Object.keys(v.labels).length === 0)
        );
        if (match) {
          values[refId] = match.value;
        }
      }
      return { labels: value.labels, firing: value.value !== 0 && !Number.isNaN(value.value), values };
    });
    return { health: 'ok', instances, results };
  } catch (error) {
    if (error instanceof ExpressionError) {
      return { health: 'error', error: error.message, instances: [], results };
    }
    throw error;
  }
}

/** The state Grafana gives the rule for an evaluation, after noDataState / execErrState. */
export function ruleState(rule: ProvisionedRule, evaluation: Evaluation): 'Alerting' | 'Normal' | 'NoData' | 'Error' {
  const mapped = (setting: string | undefined, fallback: 'NoData' | 'Error') => {
    switch (setting) {
      case 'OK':
        return 'Normal' as const;
      case 'Alerting':
        return 'Alerting' as const;
      default:
        return fallback;
    }
  };
  if (evaluation.health === 'error') {
    return mapped(rule.execErrState, 'Error');
  }
  if (evaluation.health === 'nodata') {
    return mapped(rule.noDataState, 'NoData');
  }
  return evaluation.instances.some((i) => i.firing) ? 'Alerting' : 'Normal';
}

/** Grafana's duration syntax for `for` and `interval` (e.g. 90s, 5m, 1h, 1h30m). */
export function parseGrafanaDuration(text: string | undefined): number {
  if (!text) {
    return 0;
  }
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`"${text}" is not a duration`);
  }
  const unit: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2]!]!, 0);
}
