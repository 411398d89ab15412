import { QUERY_LIMITS, type JobCondition } from '../../../contract/query';
import {
  addCondition,
  removeCondition,
  setConditionField,
  setConditionOperator,
  setConditionValue,
} from './editJobConditions';

const overMinute: JobCondition = { field: 'duration_ms', operator: '>', value: 60_000 };

describe('job condition editing', () => {
  it('starts with "duration over a minute", then a field not used yet', () => {
    const first = addCondition([]);
    expect(first).toEqual([overMinute]);
    expect(addCondition(first)[1]).toEqual({ field: 'queue_ms', operator: '>', value: 0 });
  });

  it('stops adding at the limit', () => {
    const full = Array.from({ length: QUERY_LIMITS.jobConditions }, () => overMinute);
    expect(addCondition(full)).toHaveLength(QUERY_LIMITS.jobConditions);
  });

  it('changes field and operator of one row only, refusing values outside the contract', () => {
    const two = [overMinute, { ...overMinute, field: 'cost_usd' as const }];
    expect(setConditionField(two, 1, 'attempts')).toEqual([overMinute, { ...overMinute, field: 'attempts' }]);
    expect(setConditionOperator(two, 0, '<=')[0]).toEqual({ ...overMinute, operator: '<=' });
    expect(setConditionOperator(two, 0, '!=' as never)).toEqual(two);
    expect(setConditionField(two, 0, 'seq' as never)).toEqual(two);
  });

  it('takes a value only once the text is a finite number', () => {
    expect(setConditionValue([overMinute], 0, '90000')).toEqual([{ ...overMinute, value: 90_000 }]);
    expect(setConditionValue([overMinute], 0, '1.5e3')).toEqual([{ ...overMinute, value: 1500 }]);
    expect(setConditionValue([overMinute], 0, '-2')).toEqual([{ ...overMinute, value: -2 }]);
    for (const text of ['', ' ', '6e', 'abc', 'Infinity']) {
      expect(setConditionValue([overMinute], 0, text)).toBeUndefined();
    }
  });

  it('removes one row', () => {
    expect(removeCondition([overMinute, { ...overMinute, value: 1 }], 0)).toEqual([{ ...overMinute, value: 1 }]);
  });
});
