/**
 * Grafana-managed alert rule evaluation, as Grafana does it — a TypeScript copy of the parts of pkg/expr and
 * pkg/services/ngalert/eval that the provisioning tests need, so every provisioned rule can be evaluated against
 * simulated ledgers without a Grafana server:
 *
 * - data queries become values (exprValues.ts): Numbers, Series, or NoData; nulls stay null;
 * - expressions run in dependency order: math (exprMath.ts), reduce, threshold and classic_conditions
 *   (exprCommands.ts);
 * - the outcome follows ngalert's eval.go: a failed query or expression is one Error result; any data query without
 *   data makes the whole evaluation NoData (one result per datasource, labelled datasource_uid and ref_id); otherwise
 *   each condition value is one instance: 0 Normal, null NoData, anything else — NaN included — Alerting;
 * - ruleState applies the rule's noDataState / execErrState the way ngalert's state manager does.
 *
 * What it does not model (pending periods, keep_firing_for, recovery thresholds, retries…) is listed in
 * docs/stack.md ("How far the evaluator is Grafana").
 */
import type { DataResponse } from '../../../src/backend/plugin/types';
import { classicCondition, classicInputs, reduce, threshold } from './exprCommands';
import { math, mathReferences } from './exprMath';
import { ExpressionError, framesToValues, labelsOf, type Labels, type NodeResult } from './exprValues';

export { parseMath, mathReferences, union, binaryOp } from './exprMath';
export { ExpressionError, framesToValues, type ExprValue, type Labels, type NodeResult } from './exprValues';

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

/** An evaluation result's state (eval.State), before noDataState / execErrState. */
export type EvalState = 'Normal' | 'Alerting' | 'NoData' | 'Error';

/** One result of an evaluation (eval.Result): an alert instance. */
export interface Instance {
  labels: Labels;
  state: EvalState;
  /** state === 'Alerting'. */
  firing: boolean;
  /** The condition's value for this instance (null: no data); absent for errors and queries without data. */
  value?: number | null;
  error?: string;
  /** The non-null Number value of every node for these labels (what an annotation's `$values` holds). */
  values: Record<string, number>;
}

/** The outcome of one evaluation. */
export interface Evaluation {
  /** error: the evaluation failed; nodata: every result is NoData; ok otherwise. */
  health: 'ok' | 'nodata' | 'error';
  error?: string;
  instances: Instance[];
  /** Every node's values, by refId. */
  results: Record<string, NodeResult>;
}

/** Runs one data query of a rule for an absolute range; returns that refId's response. */
export type DataRunner = (query: RuleQuery, range: { from: number; to: number }) => Promise<DataResponse>;

export const EXPRESSION_DATASOURCE = '__expr__';

/** The refIds an expression node reads. */
export function expressionInputs(model: Record<string, unknown>): string[] {
  const expression = String(model.expression ?? '');
  switch (model.type) {
    case 'math':
      return mathReferences(expression);
    case 'reduce':
      return [expression.replace(/^\$/, '')]; // UnmarshalReduceCommand trims the "$"
    case 'threshold':
      return [expression]; // UnmarshalThresholdCommand does not
    case 'classic_conditions':
      return classicInputs(model);
    default:
      throw new ExpressionError(`expression type "${String(model.type)}" is not supported here`);
  }
}

function runExpression(model: Record<string, unknown>, refId: string, inputs: Record<string, NodeResult>): NodeResult {
  const only = () => Object.values(inputs)[0] ?? { values: [] };
  switch (model.type) {
    case 'math':
      return math(String(model.expression), inputs);
    case 'reduce':
      return reduce(only(), model, refId);
    case 'threshold':
      return threshold(only(), model);
    case 'classic_conditions':
      return classicCondition(model, inputs);
    default:
      throw new ExpressionError(`expression type "${String(model.type)}" is not supported`);
  }
}

/** eval.IsNoData: a response without frames, or with one frame without fields. */
function isNoData(response: DataResponse): boolean {
  return response.frames.length === 0 || (response.frames.length === 1 && response.frames[0]!.fields.length === 0);
}

const labelKey = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

function labelsMatch(a: Labels, b: Labels): boolean {
  const contains = (x: Labels, y: Labels) => Object.entries(y).every(([k, v]) => x[k] === v);
  return contains(a, b) || contains(b, a);
}

/** The captured Number values for an instance's labels: an exact label match first, else a subset or superset. */
function capturedValues(results: Record<string, NodeResult>, labels: Labels): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [refId, result] of Object.entries(results)) {
    const numbers = result.values.filter((v) => v.kind === 'number' || v.kind === 'scalar');
    const match =
      numbers.find((v) => labelKey(labelsOf(v)) === labelKey(labels)) ??
      numbers.find((v) => labelsMatch(labelsOf(v), labels));
    if (match && (match.kind === 'number' || match.kind === 'scalar') && match.value !== null) {
      values[refId] = match.value;
    }
  }
  return values;
}

function failed(message: string, results: Record<string, NodeResult>, labels: Labels = {}): Evaluation {
  return {
    health: 'error',
    error: message,
    instances: [{ labels, state: 'Error', firing: false, error: message, values: {} }],
    results,
  };
}

/** evaluateExecutionResult: one instance per condition value, checked for unique labels. */
function conditionInstances(condition: NodeResult, results: Record<string, NodeResult>): Instance[] {
  const instance = (labels: Labels, state: EvalState, value?: number | null, error?: string): Instance => ({
    labels,
    state,
    firing: state === 'Alerting',
    ...(value !== undefined ? { value } : {}),
    ...(error !== undefined ? { error } : {}),
    values: state === 'Error' ? {} : capturedValues(results, labels),
  });
  if (condition.values.length === 0) {
    return [instance({}, 'NoData')];
  }
  const instances = condition.values.map((value) => {
    switch (value.kind) {
      case 'series':
        return instance({}, 'Error', undefined, 'looks like time series data, only reduced data can be alerted on.');
      case 'nodata':
        return instance({}, 'NoData');
      default: {
        // eval.go buildResult: nil → NoData, 0 → Normal, anything else (NaN included) → Alerting
        const state = value.value === null ? 'NoData' : value.value === 0 ? 'Normal' : 'Alerting';
        return instance(labelsOf(value), state, value.value);
      }
    }
  });
  const seen = new Set<string>();
  for (const { labels } of instances) {
    if (seen.has(labelKey(labels))) {
      const message = `frame cannot uniquely be identified by its labels: has duplicate results with labels ${labelKey(labels)}`;
      return [instance(labels, 'Error', undefined, message)];
    }
    seen.add(labelKey(labels));
  }
  return instances;
}

/** Evaluates a rule at `now` (epoch ms): data queries through `run`, then expressions and the condition. */
export async function evaluateRule(rule: ProvisionedRule, now: number, run: DataRunner): Promise<Evaluation> {
  const results: Record<string, NodeResult> = {};
  const byRef = new Map(rule.data.map((q) => [q.refId, q]));
  const data = rule.data.filter((q) => q.datasourceUid !== EXPRESSION_DATASOURCE);
  const responses = await Promise.all(
    data.map(async (query) => {
      const range = query.relativeTimeRange ?? { from: 600, to: 0 };
      return [query, await run(query, { from: now - range.from * 1000, to: now - range.to * 1000 })] as const;
    })
  );
  const withoutData: RuleQuery[] = [];
  try {
    for (const [query, response] of responses) {
      if (response.error) {
        // ngalert's state manager labels a query's error with the query (state.go resultError, expr.QueryError)
        const labels = { ref_id: query.refId, datasource_uid: query.datasourceUid };
        return failed(`[${query.refId}] ${response.error.message}`, results, labels);
      }
      if (isNoData(response)) {
        withoutData.push(query);
      }
      results[query.refId] = framesToValues(query.refId, response.frames);
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
      return (results[refId] = runExpression(query.model, refId, inputs));
    };
    rule.data.forEach((query) => evaluate(query.refId));
  } catch (error) {
    if (error instanceof ExpressionError) {
      return failed(error.message, results);
    }
    throw error;
  }
  if (withoutData.length > 0) {
    // eval.go: any data query without data makes the evaluation NoData, one result per datasource
    const byDatasource = new Map<string, string[]>();
    for (const query of withoutData) {
      byDatasource.set(query.datasourceUid, [...(byDatasource.get(query.datasourceUid) ?? []), query.refId]);
    }
    const instances = [...byDatasource].map(
      ([uid, refIds]): Instance => ({
        labels: { datasource_uid: uid, ref_id: [...refIds].sort().join(',') },
        state: 'NoData',
        firing: false,
        values: {},
      })
    );
    return { health: 'nodata', instances, results };
  }
  const condition = results[rule.condition];
  if (!condition) {
    return failed(`condition ${rule.condition} does not exist`, results);
  }
  const instances = conditionInstances(condition, results);
  const health = instances.some((i) => i.state === 'Error')
    ? 'error'
    : instances.every((i) => i.state === 'NoData')
      ? 'nodata'
      : 'ok';
  const error = instances.find((i) => i.error)?.error;
  return { health, ...(error ? { error } : {}), instances, results };
}

/** A rule's state after noDataState / execErrState. */
export type RuleState = 'Alerting' | 'Normal' | 'NoData' | 'Error';

const NO_DATA_STATES: Record<string, RuleState | 'KeepLast'> = {
  NoData: 'NoData',
  Alerting: 'Alerting',
  OK: 'Normal',
  KeepLast: 'KeepLast',
};
const EXEC_ERR_STATES: Record<string, RuleState | 'KeepLast'> = {
  Error: 'Error',
  Alerting: 'Alerting',
  OK: 'Normal',
  KeepLast: 'KeepLast',
};

function mapped(
  table: Record<string, RuleState | 'KeepLast'>,
  field: string,
  rule: ProvisionedRule
): RuleState | 'KeepLast' {
  const setting = rule[field as 'noDataState' | 'execErrState'];
  const state = setting === undefined ? undefined : table[setting];
  if (!state) {
    throw new Error(`rule ${rule.uid}: ${field} "${String(setting)}" must be one of ${Object.keys(table).join(', ')}`);
  }
  return state;
}

/**
 * Each instance's state as ngalert's state manager sets it (state.go resultNoData / resultError): NoData results
 * take noDataState (OK → Normal), Error results take execErrState; KeepLast keeps `previous` (Normal on a rule's first
 * evaluation). Pending is not modelled: an Alerting result here is Alerting once the rule's `for` has passed.
 */
export function instanceStates(
  rule: ProvisionedRule,
  evaluation: Evaluation,
  previous: RuleState = 'Normal'
): Array<{ labels: Labels; state: RuleState }> {
  return evaluation.instances.map(({ labels, state }) => {
    let next: RuleState | 'KeepLast' = state;
    if (state === 'NoData') {
      next = mapped(NO_DATA_STATES, 'noDataState', rule);
    } else if (state === 'Error') {
      next = mapped(EXEC_ERR_STATES, 'execErrState', rule);
    }
    return { labels, state: next === 'KeepLast' ? previous : next };
  });
}

/** The rule's state: Alerting if an instance is, else Error, else NoData, else Normal. */
export function ruleState(rule: ProvisionedRule, evaluation: Evaluation, previous: RuleState = 'Normal'): RuleState {
  const states = new Set(instanceStates(rule, evaluation, previous).map((i) => i.state));
  return (['Alerting', 'Error', 'NoData'] as const).find((s) => states.has(s)) ?? 'Normal';
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
