/**
 * A stand-in for Grafana's TemplateSrv, enough to interpolate the shipped dashboards the way the browser does before
 * a query reaches the backend: `$var`, `${var}`, `${var:format}` and `[[var]]`; "All" without a custom all value
 * expands to every option of the variable; format functions receive (value, variable) like Grafana's; the named
 * formats the dashboards may use (regex, csv, pipe, glob, raw, text, singlequote, doublequote, sqlstring, json,
 * percentencode) behave as Grafana documents them.
 */
import type { TemplateReplacer } from '../../../src/datasource/query/interpolateQuery';

/** A dashboard variable with its current value resolved. */
export interface VariableState {
  name: string;
  type: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string | null;
  /** The selected values (`$__all` for All). */
  current: string[];
  /** The values the variable offers (from its query), All excluded. */
  options: string[];
}

const ALL = '$__all';
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

function applyFormat(value: string | string[], format: string, variable: VariableState): string {
  const list = Array.isArray(value) ? value : [value];
  switch (format) {
    case 'regex':
      return list.length === 1 ? escapeRegex(list[0]!) : `(${list.map(escapeRegex).join('|')})`;
    case 'csv':
      return list.join(',');
    case 'pipe':
      return list.join('|');
    case 'raw':
      return list.join(',');
    case 'text':
      return list.join(' + ');
    case 'glob':
      return list.length > 1 ? `{${list.join(',')}}` : list[0]!;
    case 'singlequote':
      return list.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(',');
    case 'doublequote':
      return list.map((v) => `"${v.replace(/"/g, '\\"')}"`).join(',');
    case 'sqlstring':
      return list.map((v) => `'${v.replace(/'/g, "''")}'`).join(',');
    case 'json':
      return JSON.stringify(Array.isArray(value) ? value : value);
    case 'percentencode':
      return list.length > 1 ? encodeURIComponent(`{${list.join(',')}}`) : encodeURIComponent(list[0]!);
    default:
      throw new Error(`variable format "${format}" of $${variable.name} is not emulated by the test`);
  }
}

/** Grafana's default formatting (no format given): glob for several values, the value itself otherwise. */
function defaultFormat(value: string | string[]): string {
  if (Array.isArray(value)) {
    return value.length === 1 ? value[0]! : `{${value.join(',')}}`;
  }
  return value;
}

/** A TemplateSrv over fixed variables; `builtins` are plain text values such as `__interval`. */
export class TestTemplateSrv implements TemplateReplacer {
  private readonly variables: Map<string, VariableState>;

  constructor(
    variables: readonly VariableState[],
    private readonly builtins: Readonly<Record<string, string>> = {}
  ) {
    this.variables = new Map(variables.map((v) => [v.name, v]));
  }

  /** The value a variable stands for ("All" resolved), or undefined when it is not a dashboard variable. */
  valueOf(name: string): { value: string | string[]; variable: VariableState; customAll: boolean } | undefined {
    const variable = this.variables.get(name);
    if (!variable) {
      return undefined;
    }
    if (variable.current.includes(ALL)) {
      if (variable.allValue) {
        return { value: variable.allValue, variable, customAll: true };
      }
      return { value: [...variable.options], variable, customAll: false };
    }
    const value = variable.multi ? [...variable.current] : (variable.current[0] ?? '');
    return { value, variable, customAll: false };
  }

  replace(target?: string, _scopedVars?: unknown, format?: string | Function): string {
    if (!target) {
      return target ?? '';
    }
    return target.replace(
      VARIABLE,
      (
        match,
        plain?: string,
        bracket?: string,
        bracketFormat?: string,
        braced?: string,
        _path?: string,
        bracedFormat?: string
      ) => {
        const name = (plain ?? bracket ?? braced)!;
        const explicitFormat = bracketFormat ?? bracedFormat;
        if (name in this.builtins) {
          return this.builtins[name]!;
        }
        const resolved = this.valueOf(name);
        if (!resolved) {
          return match;
        }
        const { value, variable, customAll } = resolved;
        if (customAll && explicitFormat !== 'text' && explicitFormat !== 'percentencode') {
          return String(value); // Grafana leaves custom all values unformatted
        }
        const chosen = explicitFormat ?? format;
        if (typeof chosen === 'function') {
          return String(chosen(value, variable, defaultFormat));
        }
        if (typeof chosen === 'string' && chosen !== 'glob') {
          return applyFormat(value, chosen, variable);
        }
        return defaultFormat(value);
      }
    );
  }
}
