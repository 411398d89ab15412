import type { QueryEditorProps } from '@grafana/data';

import type { LedgerDataSource } from '../../LedgerDataSource';
import type { LedgerJsonData, LedgerQuery } from '../../types';

/** Props Grafana gives a query editor. */
export type LedgerQueryEditorProps = QueryEditorProps<LedgerDataSource, LedgerQuery, LedgerJsonData>;

/** What each query-type editor receives from the query editor. */
export interface TypeEditorProps {
  query: LedgerQuery;
  datasource: LedgerDataSource;
  range: LedgerQueryEditorProps['range'];
  /** Stores the query; `run` also runs it (selects and toggles run at once, text inputs on blur). */
  onChange: (query: LedgerQuery, run?: boolean) => void;
  /** Explore: fewer rows, no descriptions. */
  compact: boolean;
  /** Alert rule: no live mode, instant values by default. */
  alerting: boolean;
}

/** Label width of the editors' inline fields, in grid units. */
export const LABEL_WIDTH = 14;
