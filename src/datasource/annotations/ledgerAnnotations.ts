import type { AnnotationQuery, AnnotationSupport } from '@grafana/data';

import { ANNOTATION_SOURCES } from '../../contract/query';
import { AnnotationQueryEditor } from '../components/AnnotationQueryEditor';
import type { LedgerQuery } from '../types';

/** Default annotation query: every ledger fact worth marking. */
export const DEFAULT_ANNOTATION_QUERY: Partial<LedgerQuery> = {
  queryType: 'annotations',
  annotationSources: [...ANNOTATION_SOURCES],
  filters: [],
};

/**
 * Annotations come from the same backend: `{queryType: 'annotations', annotationSources, filters}` returns frames
 * with time, timeEnd (incidents), title, text and tags, which Grafana's standard processing turns into events.
 */
export const ledgerAnnotations: AnnotationSupport<LedgerQuery> = {
  QueryEditor: AnnotationQueryEditor,
  getDefaultQuery: () => ({ ...DEFAULT_ANNOTATION_QUERY }),
  prepareQuery(annotation: AnnotationQuery<LedgerQuery>): LedgerQuery | undefined {
    const target = annotation.target;
    if (!target) {
      return undefined;
    }
    return { ...target, refId: target.refId || 'Anno', queryType: 'annotations' };
  },
};
