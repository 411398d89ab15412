import { numericSettingError, parseNumericInput, validateSettings } from './validateSettings';

describe('validateSettings', () => {
  it('accepts a complete configuration', () => {
    expect(
      validateSettings({ url: 'db.internal:5433', user: 'grafana', jsonData: { database: 'ledger', maxOpenConns: 10 } })
    ).toEqual({});
  });

  it('names each missing or malformed connection field', () => {
    const errors = validateSettings({ url: '', user: '', jsonData: {} });
    expect(errors.url).toMatch(/Host is required/);
    expect(errors.database).toBe('Database is required');
    expect(errors.user).toMatch(/User is required/);
    expect(validateSettings({ url: 'db:99999', user: 'u', jsonData: { database: 'd' } }).url).toMatch(/port 99999/);
  });

  it('checks numeric settings against SETTINGS_LIMITS', () => {
    expect(numericSettingError('maxOpenConns', 0)).toBe('Enter a whole number from 1 to 200');
    expect(numericSettingError('maxOpenConns', '2.5')).toBe('Enter a whole number from 1 to 200');
    expect(numericSettingError('maxOpenConns', 'lots')).toBe('Enter a whole number from 1 to 200');
    expect(numericSettingError('statementTimeoutMs', 30_000)).toBeUndefined();
    expect(numericSettingError('rowLimit', undefined)).toBeUndefined();
    expect(numericSettingError('costBudgetDailyUsd', 12.5)).toBeUndefined();
    expect(numericSettingError('costBudgetDailyUsd', 0)).toMatch(/^Enter a number from 0.01/);
  });

  it('stores numbers as numbers and keeps anything else for the message', () => {
    expect(parseNumericInput(' 25 ')).toBe(25);
    expect(parseNumericInput('')).toBeUndefined();
    expect(parseNumericInput('ten')).toBe('ten');
  });
});
