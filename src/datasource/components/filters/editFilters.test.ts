import { QUERY_LIMITS } from '../../../contract/query';
import {
  addFilter,
  completeFilters,
  editableFilters,
  removeFilter,
  setFilterKey,
  setFilterOperator,
  setFilterValue,
} from './editFilters';

describe('filter editing', () => {
  it('adds a filter on the first dimension not filtered yet', () => {
    const one = addFilter([], ['mode', 'worker']);
    expect(one).toEqual([{ key: 'mode', operator: '=', value: '' }]);
    expect(addFilter(one, ['mode', 'worker'])[1]).toEqual({ key: 'worker', operator: '=', value: '' });
    expect(addFilter([], [])).toEqual([]);
  });

  it('stops at the filter limit', () => {
    const full = Array.from({ length: QUERY_LIMITS.filters }, () => ({
      key: 'mode' as const,
      operator: '=' as const,
      value: 'x',
    }));
    expect(addFilter(full, ['mode'])).toHaveLength(QUERY_LIMITS.filters);
  });

  it('clears the value when the dimension changes', () => {
    expect(setFilterKey([{ key: 'mode', operator: '=', value: 'genius' }], 0, 'worker')).toEqual([
      { key: 'worker', operator: '=', value: '' },
    ]);
    expect(setFilterKey([{ key: 'mode', operator: 'in', value: ['a'] }], 0, 'worker')).toEqual([
      { key: 'worker', operator: 'in', value: [] },
    ]);
    const same = [{ key: 'mode' as const, operator: '=' as const, value: 'genius' }];
    expect(setFilterKey(same, 0, 'mode')).toEqual(same);
  });

  it('converts the value between one value and a list with the operator', () => {
    const list = setFilterOperator([{ key: 'mode', operator: '=', value: 'genius' }], 0, 'in');
    expect(list).toEqual([{ key: 'mode', operator: 'in', value: ['genius'] }]);
    expect(setFilterOperator([{ key: 'mode', operator: 'in', value: ['a', 'b'] }], 0, '!=')).toEqual([
      { key: 'mode', operator: '!=', value: 'a' },
    ]);
    expect(setFilterOperator([{ key: 'mode', operator: '=', value: '' }], 0, 'not in')).toEqual([
      { key: 'mode', operator: 'not in', value: [] },
    ]);
  });

  it('sets values, keeping each list value once', () => {
    expect(setFilterValue([{ key: 'mode', operator: 'in', value: [] }], 0, ['a', 'b', 'a'])).toEqual([
      { key: 'mode', operator: 'in', value: ['a', 'b'] },
    ]);
    expect(setFilterValue([{ key: 'mode', operator: '=', value: '' }], 0, 'genius')).toEqual([
      { key: 'mode', operator: '=', value: 'genius' },
    ]);
  });

  it('removes a filter and keeps only complete ones for sending', () => {
    const filters = [
      { key: 'mode' as const, operator: '=' as const, value: 'a' },
      { key: 'worker' as const, operator: '=' as const, value: '' },
    ];
    expect(removeFilter(filters, 0)).toEqual([filters[1]]);
    expect(completeFilters(filters)).toEqual([filters[0]]);
    expect(completeFilters(undefined)).toEqual([]);
  });

  it('repairs saved filters the editor could not show, and returns sound ones as they are', () => {
    const sound = [{ key: 'mode' as const, operator: 'in' as const, value: ['a'] }];
    expect(editableFilters(sound)).toBe(sound);
    expect(editableFilters(undefined)).toBeUndefined();
    expect(
      editableFilters([
        { key: 'mode', operator: null, value: 'genius' },
        { key: 'worker', operator: 'not in', value: null },
        null,
        { key: 'tool', operator: '=' },
      ])
    ).toEqual([
      { key: 'mode', operator: '=', value: 'genius' },
      { key: 'worker', operator: 'not in', value: [] },
      { key: 'tool', operator: '=', value: '' },
    ]);
  });
});
