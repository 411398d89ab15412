/** Writes the generated docs (docs/metrics.md). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { metricsMarkdown } from '../src/backend/query/metrics/describeMetrics';

const target = path.resolve(__dirname, '..', 'docs', 'metrics.md');
writeFileSync(target, metricsMarkdown());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
