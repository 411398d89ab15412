/** Annotations queries: escalations, failures and budget overruns as points; incidents as regions. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { CheckedFrame } from '../../../src/backend/frames/frame';
import { FIXTURE_EVENTS, FIXTURE_RANGE, T0 } from '../fixtures/queryTypesFixture';
import { createHarness, onlyFrame, values, type Harness } from './harness';

const MIN = 60_000;

function annotations(frame: CheckedFrame) {
  const titles = values<string>(frame, 'title');
  return titles.map((title, i) => ({
    time: values<number>(frame, 'time')[i],
    timeEnd: values<number | null>(frame, 'timeEnd')[i],
    title,
    text: values<string>(frame, 'text')[i],
    tags: values<string[]>(frame, 'tags')[i],
  }));
}

describe('annotations queries', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness('annotations', FIXTURE_EVENTS);
  });
  after(() => h?.close());

  it('marks every source by default: points for events, regions for incidents', async () => {
    const frame = onlyFrame((await h.query([{ refId: 'A', json: { queryType: 'annotations' } }])).get('A'));
    assert.deepEqual(
      frame.fields.map((f) => `${f.name}:${f.type}${f.nullable ? '?' : ''}`),
      ['time:time', 'timeEnd:time?', 'title:string', 'text:string', 'tags:json']
    );
    const all = annotations(frame);
    const count = (prefix: string) => all.filter((a) => a.title.startsWith(prefix)).length;
    assert.equal(count('Escalation'), 1);
    assert.equal(count('Job failed'), 9);
    assert.equal(count('Budget exceeded'), 1);
    assert.deepEqual(
      all.map((a) => a.time),
      [...all.map((a) => a.time)].sort((a, b) => a! - b!),
      'sorted by time'
    );

    const failed = all.find((a) => a.title === 'Job failed: TimeoutError');
    assert.deepEqual(failed, {
      time: T0 + 66_200,
      timeEnd: null,
      title: 'Job failed: TimeoutError',
      text: 'job.failed job-42 (mode genius) on worker w1: TimeoutError after 61.2 s: agent loop exceeded 60 s',
      tags: ['job.failed', 'mode:genius', 'worker:w1', 'job:job-42'],
    });
    const regions = all.filter((a) => a.timeEnd !== null);
    assert.deepEqual(
      regions.map((r) => [r.time, r.timeEnd, r.title, r.tags]),
      [
        [T0 + 30 * MIN, T0 + 40 * MIN, 'Incident: job failure rate 50%', ['incident', 'failure-rate']],
        [T0 + 55 * MIN, T0 + 58 * MIN, 'Incident: worker w5 silent', ['incident', 'heartbeat-gap', 'worker:w5']],
        [T0 + 70 * MIN, FIXTURE_RANGE.to, 'Incident: worker w6 silent', ['incident', 'heartbeat-gap', 'worker:w6']],
      ]
    );
    assert.equal(
      regions[0]!.text,
      '7 of 14 finished jobs failed between 10:30:00 and 10:40:00 UTC (5-minute buckets with a failure rate over 20% and at least 3 failures).'
    );
    assert.equal(regions[1]!.text, 'No heartbeat from worker w5 for 3.0 min (10:55:00 → 10:58:00 UTC).');
    assert.equal(
      regions[2]!.text,
      'No heartbeat from worker w6 since 11:10:00 UTC (50.0 min) while running job-99; still silent at the end of the range.'
    );
  });

  it('marks only the chosen sources, narrowed by filters', async () => {
    const response = await h.query([
      { refId: 'A', json: { queryType: 'annotations', annotationSources: ['escalation', 'budget.exceeded'] } },
      {
        refId: 'B',
        json: {
          queryType: 'annotations',
          annotationSources: ['job.failed', 'budget.exceeded'],
          filters: [{ key: 'mode', operator: '=', value: 'mechanic' }],
        },
      },
      {
        refId: 'C',
        json: {
          queryType: 'annotations',
          annotationSources: ['incident'],
          filters: [{ key: 'worker', operator: '=', value: 'w5' }],
        },
      },
      { refId: 'D', json: { queryType: 'annotations', annotationSources: ['deploy'] } },
    ]);
    assert.deepEqual(
      annotations(onlyFrame(response.get('A'))).map((a) => a.title),
      ['Escalation: needs approval', 'Budget exceeded: job-7']
    );
    assert.deepEqual(
      annotations(onlyFrame(response.get('B'))).map((a) => a.title),
      ['Budget exceeded: job-7']
    );
    assert.deepEqual(
      annotations(onlyFrame(response.get('C'))).map((a) => a.title),
      ['Incident: worker w5 silent']
    );
    assert.equal(response.get('D')?.error?.status, 400);
  });

  it('returns an empty frame with the same fields when nothing happened', async () => {
    const frame = onlyFrame(
      (
        await h.query([
          { refId: 'A', json: { queryType: 'annotations' }, range: { from: T0 - 50 * MIN, to: T0 - 40 * MIN } },
        ])
      ).get('A')
    );
    assert.deepEqual(
      frame.fields.map((f) => [f.name, f.values.length]),
      [
        ['time', 0],
        ['timeEnd', 0],
        ['title', 0],
        ['text', 0],
        ['tags', 0],
      ]
    );
  });
});
