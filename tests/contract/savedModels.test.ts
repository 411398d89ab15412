/**
 * Saved-model tolerance through the built executable (#12): saved-query shapes of every query type
 * (tests/support/savedQueryShapes.ts: nulls, missing keys, Grafana's and unknown keys, numbers as strings, old
 * versions, wrong types) sent over gRPC as Grafana sends them, many per QueryData call. A tolerated shape runs (a
 * frame, no error) and answers exactly as the model it means; a broken one fails alone with a 400 naming the field.
 * Deterministic seed; src/backend/query/plan.savedModels.test.ts runs many more shapes against the planner alone.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { tableFromIPC } from 'apache-arrow';

import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { appendEvents } from '../../src/ledger/writer';
import { FIXTURE_EVENTS, FIXTURE_RANGE } from '../integration/fixtures/queryTypesFixture';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { namesField, savedQueryShapes } from '../support/savedQueryShapes';

const SEED = 20_261_204;
const SHAPES = 480;
const PER_CALL = 24;

let ledger: LedgerTestDatabase;
let plugin: PluginUnderTest;

before(async () => {
  ledger = await createLedgerTestDatabase('contract_saved_models');
  const client = await ledger.connect();
  await appendEvents(client, FIXTURE_EVENTS);
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await ledger?.drop();
});

interface Answer {
  status: number;
  error: string;
  errorSource: string;
  frames: Buffer[];
}

/** A frame's content without its refId, so answers to different refIds compare. */
function content(bytes: Buffer): string {
  const table = tableFromIPC(bytes);
  const fields = table.schema.fields.map((field) => `${field.name}:${field.type}:${field.metadata.get('labels')}`);
  const columns = table.schema.fields.map((_, i) => JSON.stringify([...(table.getChildAt(i)?.toArray() ?? [])], big));
  return JSON.stringify([fields, columns, table.schema.metadata.get('meta')]);
}
const big = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

it(`runs or names the offending field for ${SHAPES} saved-query shapes of every type (seed ${SEED})`, async () => {
  const context = datasourceContext({ url: ledger.url });
  const shapes = savedQueryShapes(SEED, SHAPES);
  const outcomes = { ran: 0, rejected: 0 };
  for (let start = 0; start < shapes.length; start += PER_CALL) {
    const batch = shapes.slice(start, start + PER_CALL);
    // Each tolerated shape is sent with the model it means (refId C…), so the two answers can be compared.
    const queries = batch.flatMap((shape, i) => [
      dataQuery(`S${start + i}`, shape.saved, FIXTURE_RANGE),
      ...(shape.canonical ? [dataQuery(`C${start + i}`, shape.canonical, FIXTURE_RANGE)] : []),
    ]);
    const response = await plugin.unary('data', 'QueryData', { pluginContext: context, queries });
    batch.forEach((shape, i) => {
      const answer = response.responses[`S${start + i}`] as Answer;
      const label = `shape ${start + i} (${shape.queryType}: ${shape.label}) ${JSON.stringify(shape.saved)}`;
      if (shape.canonical) {
        assert.equal(answer.error, '', label);
        assert.equal(answer.status, 200, label);
        assert.ok(answer.frames.length > 0, `${label}: a frame`);
        const meant = response.responses[`C${start + i}`] as Answer;
        assert.deepEqual(answer.frames.map(content), meant.frames.map(content), `${label}: answers as its model`);
        outcomes.ran++;
      } else {
        assert.equal(answer.status, 400, `${label}: ${answer.error}`);
        assert.equal(answer.errorSource, 'downstream', label);
        assert.ok(namesField(answer.error, shape.offendingField!), `${label}: "${answer.error}"`);
        outcomes.rejected++;
      }
    });
  }
  console.log(`saved models: ${JSON.stringify(outcomes)}`);
  assert.ok(outcomes.ran > SHAPES / 3 && outcomes.rejected > SHAPES / 5, JSON.stringify(outcomes));
});
