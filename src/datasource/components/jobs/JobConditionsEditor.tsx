import React, { useState } from 'react';
import { Button, Combobox, IconButton, Input, Stack, type ComboboxOption } from '@grafana/ui';

import {
  COMPARISON_OPERATORS,
  QUERY_LIMITS,
  type ComparisonOperator,
  type JobCondition,
  type JobNumberField,
} from '../../../contract/query';
import { testIds } from '../../../testIds';
import {
  addCondition,
  removeCondition,
  setConditionField,
  setConditionOperator,
  setConditionValue,
} from './editJobConditions';
import { CONDITION_FIELD_OPTIONS, JOB_FIELD_LABELS } from './jobFields';

const OPERATOR_OPTIONS: Array<ComboboxOption<ComparisonOperator>> = COMPARISON_OPERATORS.map((operator) => ({
  value: operator,
  label: operator,
}));

interface Props {
  conditions: readonly JobCondition[];
  /** `run` is false while a value is being typed (it runs on blur). */
  onChange: (conditions: JobCondition[], run: boolean) => void;
}

/** The value input keeps what is typed; the query only takes it once it is a number. */
function ConditionValue({
  condition,
  index,
  onValue,
  onDone,
}: {
  condition: JobCondition;
  index: number;
  onValue: (text: string) => void;
  onDone: () => void;
}) {
  const [text, setText] = useState(String(condition.value));
  // When the value changes from outside (another editor, a reset), show it; "6e4" typed here stays as typed.
  const [shownValue, setShownValue] = useState(condition.value);
  if (shownValue !== condition.value) {
    setShownValue(condition.value);
    if (Number(text) !== condition.value) {
      setText(String(condition.value));
    }
  }
  const unit = JOB_FIELD_LABELS[condition.field].unit;
  return (
    <Input
      data-testid={testIds.jobsEditor.conditionValue}
      aria-label={`Condition ${index + 1} value`}
      width={16}
      type="number"
      value={text}
      invalid={!Number.isFinite(Number(text)) || text.trim() === ''}
      suffix={unit}
      onChange={(event) => {
        setText(event.currentTarget.value);
        onValue(event.currentTarget.value);
      }}
      onBlur={onDone}
      onKeyDown={(event) => event.key === 'Enter' && onDone()}
    />
  );
}

/** Field / operator / number rows: conditions every listed job must meet. */
export function JobConditionsEditor({ conditions, onChange }: Props) {
  const ids = testIds.jobsEditor;
  return (
    <Stack direction="column" gap={1} data-testid={ids.conditions}>
      {conditions.map((condition, index) => (
        <Stack key={index} direction="row" gap={1} alignItems="center" data-testid={ids.conditionRow}>
          <Combobox<JobNumberField>
            data-testid={ids.conditionField}
            aria-label={`Condition ${index + 1} field`}
            width="auto"
            minWidth={16}
            options={CONDITION_FIELD_OPTIONS}
            value={condition.field}
            onChange={(option) => onChange(setConditionField(conditions, index, option.value), true)}
          />
          <Combobox<ComparisonOperator>
            data-testid={ids.conditionOperator}
            aria-label={`Condition ${index + 1} operator`}
            width="auto"
            minWidth={6}
            options={OPERATOR_OPTIONS}
            value={condition.operator}
            onChange={(option) => onChange(setConditionOperator(conditions, index, option.value), true)}
          />
          <ConditionValue
            condition={condition}
            index={index}
            onValue={(text) => {
              const next = setConditionValue(conditions, index, text);
              if (next) {
                onChange(next, false);
              }
            }}
            onDone={() => onChange([...conditions], true)}
          />
          <IconButton
            name="times"
            data-testid={ids.removeCondition}
            tooltip="Remove condition"
            aria-label={`Remove condition ${index + 1}`}
            onClick={() => onChange(removeCondition(conditions, index), true)}
          />
        </Stack>
      ))}
      <div>
        <Button
          icon="plus"
          size="sm"
          variant="secondary"
          fill="outline"
          data-testid={ids.addCondition}
          disabled={conditions.length >= QUERY_LIMITS.jobConditions}
          onClick={() => onChange(addCondition(conditions), true)}
        >
          Condition
        </Button>
      </div>
    </Stack>
  );
}
