import { FieldType, toDataFrame } from '@grafana/data';

import { findMetric } from '../../contract/metrics';
import { OVERVIEW_TILES, tileQuery } from '../pages/Overview/overviewTiles';
import { frameRows, instantValue } from './frameValues';

const instant = (value: number, mode: string) =>
  toDataFrame({ fields: [{ name: 'job.completed', type: FieldType.number, values: [value], labels: { mode } }] });

describe('instantValue', () => {
  it('sums the series of an instant result, or takes the largest', () => {
    expect(instantValue([instant(3, 'a'), instant(4, 'b')])).toBe(7);
    expect(instantValue([instant(0.1, 'a'), instant(0.3, 'b')], 'max')).toBe(0.3);
    expect(instantValue([])).toBeUndefined();
  });
});

describe('frameRows', () => {
  it('turns a frame into rows of named cells', () => {
    const frame = toDataFrame({ fields: [{ name: 'job_id', type: FieldType.string, values: ['j1', 'j2'] }] });
    expect(frameRows(frame)).toEqual([
      { __row: 0, job_id: 'j1' },
      { __row: 1, job_id: 'j2' },
    ]);
  });
});

describe('overview tiles', () => {
  it('ask for catalog metrics with an aggregation each metric allows, as instants', () => {
    for (const tile of OVERVIEW_TILES) {
      const metric = findMetric(tile.metric);
      expect(metric).toBeDefined();
      expect(metric!.aggregations).toContain(tile.aggregation);
      expect(metric!.formats).toContain('instant');
      expect(tileQuery(tile)).toMatchObject({ queryType: 'metrics', metric: tile.metric, format: 'instant' });
    }
  });
});
