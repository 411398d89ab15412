import React, { useState } from 'react';
import { Button, Stack, Text } from '@grafana/ui';

import type { SqlSchemaResponse } from '../../../contract/resources';
import { testIds } from '../../../testIds';
import type { SqlMacro } from './sqlMacros';

interface Props {
  macros: readonly SqlMacro[];
  schema: SqlSchemaResponse | undefined;
}

/** A collapsible cheat sheet: macros and the ledger's tables with their columns. */
export function SqlReference({ macros, schema }: Props) {
  const [open, setOpen] = useState(false);
  return (
    <Stack direction="column" gap={1}>
      <div>
        <Button
          size="sm"
          variant="secondary"
          fill="text"
          icon={open ? 'angle-down' : 'angle-right'}
          onClick={() => setOpen(!open)}
        >
          Macros and tables
        </Button>
      </div>
      {open && (
        <div data-testid={testIds.queryEditor.sqlHelp}>
          <Stack direction="column" gap={0.5}>
            {macros.map((macro) => (
              <Text key={macro.name} variant="bodySmall">
                <code>{macro.signature}</code> <Text color="secondary">{macro.description}</Text>
              </Text>
            ))}
            {schema ? (
              schema.tables.map((table) => (
                <Text key={table.name} variant="bodySmall">
                  <code>{table.name}</code>{' '}
                  <Text color="secondary">{table.columns.map((column) => column.name).join(', ')}</Text>
                </Text>
              ))
            ) : (
              <Text variant="bodySmall" color="secondary">
                Table and column completion needs the datasource&apos;s schema listing, which it did not provide.
              </Text>
            )}
          </Stack>
        </div>
      )}
    </Stack>
  );
}
