import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

import { METRICS } from '../../../contract/metrics';
import { metricsMarkdown } from './describeMetrics';

it('docs/metrics.md is current (regenerate with npm run gen:docs)', () => {
  const doc = readFileSync(path.resolve(__dirname, '../../../../docs/metrics.md'), 'utf8');
  assert.equal(doc, metricsMarkdown());
});

it('documents every catalog metric with its SQL idea', () => {
  const doc = metricsMarkdown();
  for (const metric of METRICS) {
    assert.match(doc, new RegExp(`\\| \`${metric.id.replace(/\./g, '\\.')}\` \\|`), metric.id);
  }
  assert.doesNotMatch(doc, /\(missing\)/);
});
