import React from 'react';
import { Field, Input } from '@grafana/ui';

import { SETTINGS_DEFAULTS } from '../../../contract/settings';
import type { ConfigSectionProps } from './configTypes';
import { parseNumericInput, type NumericSetting } from './validateSettings';

interface Props extends ConfigSectionProps {
  setting: NumericSetting;
  label: string;
  description: string;
  testId: string;
  width?: number;
  /** Shown when the setting has no default. */
  placeholder?: string;
}

/** A numeric jsonData setting: the default as placeholder, the allowed range checked on the field. */
export function NumberSettingField({
  setting,
  label,
  description,
  testId,
  width = 20,
  placeholder = 'none',
  ...props
}: Props) {
  const { options, onOptionsChange, errors, onTouched } = props;
  const value = options.jsonData[setting];
  return (
    <Field label={label} description={description} invalid={Boolean(errors[setting])} error={errors[setting]}>
      <Input
        id={`ledger-config-${setting}`}
        data-testid={testId}
        width={width}
        inputMode="decimal"
        value={value === undefined ? '' : String(value)}
        placeholder={
          setting in SETTINGS_DEFAULTS
            ? String(SETTINGS_DEFAULTS[setting as keyof typeof SETTINGS_DEFAULTS])
            : placeholder
        }
        onChange={(event) =>
          onOptionsChange({
            ...options,
            jsonData: { ...options.jsonData, [setting]: parseNumericInput(event.currentTarget.value) },
          })
        }
        onBlur={() => onTouched(setting)}
      />
    </Field>
  );
}
