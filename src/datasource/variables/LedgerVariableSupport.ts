import { CustomVariableSupport, type DataQueryRequest, type DataQueryResponse } from '@grafana/data';
import type { Observable } from 'rxjs';

import { VariableQueryEditor } from '../components/VariableQueryEditor';
import type { LedgerDataSource } from '../LedgerDataSource';
import type { LedgerQuery } from '../types';

/**
 * Template variables list the values of one dimension (`{queryType: 'variables', dimension, filters}`); the backend
 * answers with a frame of `text` and `value` fields, which Grafana turns into the variable's options.
 */
export class LedgerVariableSupport extends CustomVariableSupport<LedgerDataSource, LedgerQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: LedgerDataSource) {
    super();
  }

  query(request: DataQueryRequest<LedgerQuery>): Observable<DataQueryResponse> {
    const targets = request.targets.map((target) => ({
      ...target,
      queryType: 'variables' as const,
      refId: target.refId || 'variable',
    }));
    return this.datasource.query({ ...request, targets });
  }
}
