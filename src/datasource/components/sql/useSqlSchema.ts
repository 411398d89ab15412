import { useEffect, useState } from 'react';

import type { SqlSchemaResponse } from '../../../contract/resources';
import { fetchSqlSchema, type ResourceClient } from '../../resources/ledgerResources';

const schemas = new WeakMap<ResourceClient, Promise<SqlSchemaResponse | undefined>>();

/** Tables, columns and macros for completion; undefined until loaded, or when the backend cannot say. */
export function useSqlSchema(client: ResourceClient): SqlSchemaResponse | undefined {
  const [schema, setSchema] = useState<SqlSchemaResponse | undefined>();
  useEffect(() => {
    let cancelled = false;
    let request = schemas.get(client);
    if (!request) {
      request = fetchSqlSchema(client);
      schemas.set(client, request);
    }
    request.then((result) => !cancelled && setSchema(result));
    return () => {
      cancelled = true;
    };
  }, [client]);
  return schema;
}
