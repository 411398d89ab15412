/**
 * The provisioned alert pack as data, and a renderer for the subset of Grafana's annotation templates the pack uses
 * (`{{ $labels.x }}`, `{{ $values.A.Value }}`, `printf`, `humanize`, `humanizePercentage`, `humanizeDuration`), so
 * tests can show what a firing alert's summary says.
 */
import type { Instance, ProvisionedRule } from './expressions';
import { provisioningFiles, readYaml, type Json } from './provisioningFiles';

/** A rule with the group it belongs to. */
export interface LoadedRule extends ProvisionedRule {
  group: { name: string; folder: string; interval: string; orgId?: number };
  file: string;
  dashboardUid?: string;
  panelId?: number;
}

/** Every rule of provisioning/alerting/*.yaml. */
export function loadRules(): LoadedRule[] {
  const rules: LoadedRule[] = [];
  for (const file of provisioningFiles('alerting')) {
    const doc = readYaml(file);
    for (const group of (doc.groups ?? []) as Json[]) {
      for (const rule of (group.rules ?? []) as Json[]) {
        rules.push({
          ...(rule as ProvisionedRule),
          group: { name: group.name, folder: group.folder, interval: group.interval, orgId: group.orgId },
          file,
        });
      }
    }
  }
  return rules;
}

/** Template functions of Grafana's annotation templates that the pack may use. */
export const TEMPLATE_FUNCTIONS = ['printf', 'humanize', 'humanizePercentage', 'humanizeDuration'] as const;

function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) {
    return String(v);
  }
  const abs = Math.abs(v);
  if (abs >= 1) {
    const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
    let i = 0;
    let x = v;
    while (Math.abs(x) >= 1000 && i < prefixes.length - 1) {
      x /= 1000;
      i++;
    }
    return `${Number(x.toPrecision(4))}${prefixes[i]}`;
  }
  const prefixes = ['', 'm', 'u', 'n', 'p', 'f', 'a'];
  let i = 0;
  let x = v;
  while (Math.abs(x) < 1 && i < prefixes.length - 1) {
    x *= 1000;
    i++;
  }
  return `${Number(x.toPrecision(4))}${prefixes[i]}`;
}

function humanizeDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) {
    return String(seconds);
  }
  if (Math.abs(seconds) < 1) {
    return `${Number((seconds * 1000).toPrecision(4))}ms`;
  }
  const parts: string[] = [];
  let rest = Math.abs(seconds);
  const days = Math.floor(rest / 86400);
  rest -= days * 86400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  rest -= minutes * 60;
  if (days) {
    parts.push(`${days}d`);
  }
  if (hours) {
    parts.push(`${hours}h`);
  }
  if (minutes) {
    parts.push(`${minutes}m`);
  }
  parts.push(`${Number(rest.toPrecision(4))}s`);
  return `${seconds < 0 ? '-' : ''}${parts.join(' ')}`;
}

function printf(format: string, args: unknown[]): string {
  let i = 0;
  return format.replace(/%(\.(\d+))?([fdsv%])/g, (_m, _p, digits?: string, verb?: string) => {
    if (verb === '%') {
      return '%';
    }
    const arg = args[i++];
    if (verb === 'f') {
      return Number(arg).toFixed(digits === undefined ? 6 : Number(digits));
    }
    if (verb === 'd') {
      return String(Math.trunc(Number(arg)));
    }
    return String(arg);
  });
}

/** Renders an annotation template for one alert instance; throws on anything it does not know. */
export function renderTemplate(template: string, instance: Pick<Instance, 'labels' | 'values'>): string {
  return template.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_m, action: string) => {
    const words = action.match(/"(?:[^"\\]|\\.)*"|\(|\)|[^\s()]+/g) ?? [];
    const operand = (word: string): unknown => {
      if (word.startsWith('"')) {
        return JSON.parse(word) as string;
      }
      const label = /^\$labels\.(\w+)$/.exec(word);
      if (label) {
        const value = instance.labels[label[1]!];
        if (value === undefined) {
          throw new Error(`template refers to $labels.${label[1]}, which the alert instance does not have`);
        }
        return value;
      }
      const value = /^\$values\.(\w+)\.Value$/.exec(word);
      if (value) {
        const number = instance.values[value[1]!];
        if (number === undefined) {
          throw new Error(`template refers to $values.${value[1]}, which the rule does not give as a number`);
        }
        return number;
      }
      if (/^-?\d+(\.\d+)?$/.test(word)) {
        return Number(word);
      }
      throw new Error(`template operand "${word}" is not supported`);
    };
    const [head, ...rest] = words;
    if (head === undefined) {
      throw new Error('empty template action');
    }
    switch (head) {
      case 'printf':
        return printf(operand(rest[0]!) as string, rest.slice(1).map(operand));
      case 'humanize':
        return humanize(Number(operand(rest[0]!)));
      case 'humanizePercentage':
        return `${humanize(Number(operand(rest[0]!)) * 100)}%`;
      case 'humanizeDuration':
        return humanizeDuration(Number(operand(rest[0]!)));
      default:
        if (rest.length > 0) {
          throw new Error(`template function "${head}" is not supported`);
        }
        return String(operand(head));
    }
  });
}
