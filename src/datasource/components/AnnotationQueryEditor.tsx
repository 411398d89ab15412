import React from 'react';
import type { AnnotationQuery, QueryEditorProps } from '@grafana/data';
import { Checkbox, InlineField, InlineFieldRow, Stack } from '@grafana/ui';

import { ANNOTATION_SOURCES, DIMENSIONS, type AnnotationSource } from '../../contract/query';
import { testIds } from '../../testIds';
import { DEFAULT_ANNOTATION_QUERY } from '../annotations/ledgerAnnotations';
import type { LedgerDataSource } from '../LedgerDataSource';
import { migrateLedgerQuery } from '../query/migrateLedgerQuery';
import type { LedgerJsonData, LedgerQuery } from '../types';
import { FiltersField } from './filters/FiltersField';
import { LABEL_WIDTH } from './query/editorProps';
import { QuerySummary } from './query/QuerySummary';

const SOURCE_DESCRIPTIONS: Record<AnnotationSource, string> = {
  escalation: 'A human was paged',
  'job.failed': 'A job failed (with its error type)',
  'budget.exceeded': 'A job went over its token cap',
  incident: 'Regions where an alert-worthy condition held',
};

type Props = QueryEditorProps<LedgerDataSource, LedgerQuery, LedgerJsonData> & {
  annotation?: AnnotationQuery<LedgerQuery>;
  onAnnotationChange?: (annotation: AnnotationQuery<LedgerQuery>) => void;
};

/** Which ledger facts to mark on graphs, optionally filtered (e.g. one mode). */
export function AnnotationQueryEditor({ query, onChange, datasource, range }: Props) {
  // Saved annotation queries may hold nulls (null is unset, so the defaults apply).
  const annotationQuery: LedgerQuery = {
    ...DEFAULT_ANNOTATION_QUERY,
    ...migrateLedgerQuery(query),
    queryType: 'annotations',
  };
  const sources = annotationQuery.annotationSources ?? [...ANNOTATION_SOURCES];
  return (
    <div data-testid={testIds.annotationEditor.container}>
      <Stack direction="column" gap={0.5}>
        <InlineFieldRow>
          <InlineField label="Mark" labelWidth={LABEL_WIDTH} tooltip="Ledger facts shown as annotations">
            <div data-testid={testIds.annotationEditor.sources}>
              <Stack direction="row" gap={2} wrap="wrap" alignItems="center">
                {ANNOTATION_SOURCES.map((source) => (
                  <Checkbox
                    key={source}
                    label={source}
                    description={SOURCE_DESCRIPTIONS[source]}
                    value={sources.includes(source)}
                    onChange={(event) =>
                      onChange({
                        ...annotationQuery,
                        annotationSources: event.currentTarget.checked
                          ? ANNOTATION_SOURCES.filter((s) => s === source || sources.includes(s))
                          : sources.filter((s) => s !== source),
                      })
                    }
                  />
                ))}
              </Stack>
            </div>
          </InlineField>
        </InlineFieldRow>
        <FiltersField
          filters={annotationQuery.filters ?? []}
          dimensions={DIMENSIONS}
          onChange={(filters) => onChange({ ...annotationQuery, filters })}
          client={datasource}
          range={range}
          labelWidth={LABEL_WIDTH}
        />
        <QuerySummary query={{ ...annotationQuery, annotationSources: sources }} />
      </Stack>
    </div>
  );
}
