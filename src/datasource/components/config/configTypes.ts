import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';

import type { LedgerJsonData, LedgerSecureJsonData } from '../../types';
import type { SettingsField } from './validateSettings';

/** Props Grafana gives the config editor. */
export type LedgerConfigProps = DataSourcePluginOptionsEditorProps<LedgerJsonData, LedgerSecureJsonData>;

/** What every section of the config editor receives. */
export interface ConfigSectionProps extends LedgerConfigProps {
  /** Problems to show, by field (required-field errors only once the field was visited). */
  errors: Partial<Record<SettingsField, string>>;
  /** Marks a field as visited (on blur). */
  onTouched: (field: SettingsField) => void;
}

/** Width of the inputs, in grid units. */
export const INPUT_WIDTH = 40;
