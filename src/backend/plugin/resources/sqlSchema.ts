/**
 * GET sql/schema: the ledger tables and columns the datasource's role can read (information_schema lists only
 * columns the current user has a privilege on), with their descriptions, plus the macros of raw SQL — what the SQL
 * editor completes.
 */
import type { SqlSchemaResponse } from '../../../contract/resources';
import { withReadOnlySession } from '../../db/session';
import { MACROS, VARIABLES } from '../../query/sql/macroCatalog';
import type { Instance } from '../instances';
import type { ResourceResponse } from '../types';
import { json } from './http';

/** The ledger's tables, in the order the editor lists them. */
export const LEDGER_TABLES = ['ledger_events', 'jobs', 'workers', 'ledger_schema_migrations'] as const;

const SCHEMA_SQL = `SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, c.data_type::text AS data_type,
       col_description(format('%I.%I', c.table_schema, c.table_name)::regclass, c.ordinal_position::int) AS column_description,
       obj_description(format('%I.%I', c.table_schema, c.table_name)::regclass, 'pg_class') AS table_description
FROM information_schema.columns c
WHERE c.table_schema = ANY(current_schemas(false)) AND c.table_name = ANY($1::text[])
ORDER BY array_position($1::text[], c.table_name::text), c.ordinal_position`;

interface SchemaRow {
  table_name: string;
  column_name: string;
  data_type: string;
  column_description: string | null;
  table_description: string | null;
}

/** The macro list of the SQL editor. */
export function macroList(): SqlSchemaResponse['macros'] {
  return [
    ...MACROS.map((macro) => ({ name: `$${macro.name}`, signature: macro.signature, description: macro.description })),
    ...VARIABLES.map((variable) => ({
      name: `$${variable.name}`,
      signature: `$${variable.name}`,
      description: variable.description,
    })),
  ];
}

/** Answers the SQL schema route. */
export async function sqlSchema(instance: Instance, signal: AbortSignal): Promise<ResourceResponse> {
  const result = await withReadOnlySession(
    instance.pool,
    instance.settings,
    (session) => session.query<SchemaRow>(SCHEMA_SQL, [[...LEDGER_TABLES]]),
    { signal, timeoutMs: 10_000 }
  );
  const tables = new Map<string, SqlSchemaResponse['tables'][number]>();
  for (const row of result.rows) {
    let table = tables.get(row.table_name);
    if (!table) {
      table = {
        name: row.table_name,
        ...(row.table_description ? { description: row.table_description } : {}),
        columns: [],
      };
      tables.set(row.table_name, table);
    }
    table.columns.push({
      name: row.column_name,
      type: row.data_type,
      ...(row.column_description ? { description: row.column_description } : {}),
    });
  }
  const body: SqlSchemaResponse = { tables: [...tables.values()], macros: macroList() };
  return json(200, body);
}
