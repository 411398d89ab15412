import { parseHostPort, SETTINGS_LIMITS } from '../../../contract/settings';

/** The numeric settings the editor validates against SETTINGS_LIMITS. */
export type NumericSetting = keyof typeof SETTINGS_LIMITS;

/** Fields of the config editor that can be invalid. */
export type SettingsField = 'url' | 'database' | 'user' | NumericSetting;

/** The connection fields the editor validates (a subset of Grafana's DataSourceSettings). */
export interface SettingsToValidate {
  url?: string;
  user?: string;
  jsonData: { database?: string } & Partial<Record<NumericSetting, number | string | undefined>>;
}

/** Why a numeric setting is invalid, or undefined when it is fine (empty means "use the default"). */
export function numericSettingError(key: NumericSetting, value: number | string | undefined): string | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  const [min, max] = SETTINGS_LIMITS[key];
  // Limits with a fractional minimum (dollars) take decimals; the others are counts or milliseconds.
  const whole = Number.isInteger(min);
  const number = typeof value === 'number' ? value : Number(value.trim());
  if (!Number.isFinite(number) || (whole && !Number.isInteger(number)) || number < min || number > max) {
    const range = `from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`;
    return whole ? `Enter a whole number ${range}` : `Enter a number ${range}`;
  }
  return undefined;
}

/** Every problem of the settings, by field; an empty object means they are valid. */
export function validateSettings(settings: SettingsToValidate): Partial<Record<SettingsField, string>> {
  const errors: Partial<Record<SettingsField, string>> = {};
  const hostPort = parseHostPort(settings.url ?? '');
  if ('error' in hostPort) {
    errors.url =
      hostPort.error === 'host is required' ? 'Host is required, e.g. localhost:5432' : `Host: ${hostPort.error}`;
  }
  if (!settings.jsonData.database?.trim()) {
    errors.database = 'Database is required';
  }
  if (!settings.user?.trim()) {
    errors.user = 'User is required (a role with read-only access to the ledger)';
  }
  for (const key of Object.keys(SETTINGS_LIMITS) as NumericSetting[]) {
    const error = numericSettingError(key, settings.jsonData[key]);
    if (error) {
      errors[key] = error;
    }
  }
  return errors;
}

/** What to store for a numeric input: a number when it reads as one, the raw text otherwise (shown as invalid). */
export function parseNumericInput(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') {
    return undefined;
  }
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : trimmed;
}
