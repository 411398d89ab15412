import React from 'react';
import { Stack, Text } from '@grafana/ui';

import { testIds } from '../../../testIds';
import type { ConfigSectionProps } from './configTypes';
import { NumberSettingField } from './NumberSettingField';

/** Daily budgets that the budget metrics and the "over budget" alert compare spending with. */
export function BudgetSection(props: ConfigSectionProps) {
  return (
    <Stack direction="column" gap={1}>
      <Text element="h3">Budgets</Text>
      <Stack direction="row" gap={2} wrap="wrap">
        <NumberSettingField
          {...props}
          setting="tokenBudgetDaily"
          label="Daily token budget"
          description="Tokens the team may use per day. Empty: no budget."
          testId={testIds.configEditor.tokenBudget}
        />
        <NumberSettingField
          {...props}
          setting="costBudgetDailyUsd"
          label="Daily cost budget (USD)"
          description="Dollars the team may spend on LLM calls per day."
          testId={testIds.configEditor.costBudget}
        />
      </Stack>
    </Stack>
  );
}
