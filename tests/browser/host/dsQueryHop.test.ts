/**
 * The /api/ds/query hop as the browser host runs it: built with `go build`, started once, fed the plugin's
 * QueryDataResponse bytes. The oracle is the Go SDK's own golden frame (tests/fixtures/grafana-sdk): the Arrow file
 * and the JSON the SDK wrote for the same frame (nulls, NaN, ±Inf, nanosecond times, labels, config, meta).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import protobuf from 'protobufjs';

import descriptor from '../../../src/backend/protocol/generated/descriptor.json';
import { REPO_ROOT } from '../../support/pluginProcess';
import { buildDsQueryHop, dsQueryHopSkipReason, startDsQueryHop, type DsQueryHop } from './dsQueryHop';

const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures', 'grafana-sdk');
const goldenArrow = readFileSync(path.join(FIXTURES, 'all_types.golden.arrow'));
const goldenJson = JSON.parse(readFileSync(path.join(FIXTURES, 'all_types.golden.json'), 'utf8'));

/**
 * The golden JSON was written from the frame built in Go, where min and max of one field are NaN (written null);
 * through Arrow, as Grafana receives frames, those nulls leave the SDK's *ConfFloat64 nil, and its JSON omits them.
 */
function withoutNullMinMax(frame: { schema: { fields: Array<{ config?: Record<string, unknown> }> } }) {
  for (const field of frame.schema.fields) {
    for (const key of ['min', 'max']) {
      if (field.config && key in field.config && field.config[key] === null) {
        delete field.config[key];
      }
    }
  }
  return frame;
}

const QueryDataResponse = protobuf.Root.fromJSON(descriptor as protobuf.INamespace).lookupType(
  'pluginv2.QueryDataResponse'
);
const encode = (responses: Record<string, object>) =>
  QueryDataResponse.encode(QueryDataResponse.fromObject({ responses })).finish();

const skip = dsQueryHopSkipReason();
let hop: DsQueryHop | undefined;

before(async () => {
  if (!skip) {
    hop = await startDsQueryHop();
  }
});

after(async () => {
  await hop?.close();
});

describe('the /api/ds/query hop (Grafana’s Go SDK)', () => {
  it(
    'answers concurrent requests in order, with the SDK’s frame JSON and Grafana’s 200/400/500',
    { skip },
    async () => {
      const [mixed, allGood, unreadable] = await Promise.all([
        hop!.answer(
          encode({
            A: { frames: [goldenArrow], status: 200 },
            B: { error: 'column "nope" does not exist', status: 400, errorSource: 'downstream' },
          })
        ),
        hop!.answer(encode({ C: { frames: [goldenArrow], status: 200 } })),
        hop!.answer(Uint8Array.from([0xff, 0xff])),
      ]);

      assert.equal(mixed.status, 400, 'one failed query makes the whole answer 400 (pkg/api/ds_query.go)');
      assert.ok(mixed.body.toString('utf8').endsWith('}\n'), 'the body is the JSON encoder output, newline included');
      const mixedBody = JSON.parse(mixed.body.toString('utf8'));
      assert.deepEqual(mixedBody.results.B, {
        error: 'column "nope" does not exist',
        errorSource: 'downstream',
        status: 400,
        frames: [],
      });
      assert.equal(mixedBody.results.A.status, 200);
      assert.deepEqual(mixedBody.results.A.frames, [withoutNullMinMax(structuredClone(goldenJson))]);

      assert.equal(allGood.status, 200);
      const allGoodFrame = JSON.parse(allGood.body.toString('utf8')).results.C.frames[0];
      assert.equal(allGoodFrame.schema.refId, 'A', 'a frame keeps the refId it was sent with');

      assert.equal(unreadable.status, 500);
      assert.deepEqual(JSON.parse(unreadable.body.toString('utf8')), { message: 'Query data error' });
      // stderr is another pipe: its line may arrive after the answer.
      for (let turn = 0; turn < 500 && hop!.stderr.length === 0; turn += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.match(hop!.stderr.join('\n'), /dsqueryjson: protobuf:/);
    }
  );

  it('without Go, CI fails with the reason instead of skipping; elsewhere the suite skips', async () => {
    const noGo = { PATH: path.join(REPO_ROOT, 'no-such-dir') };
    assert.equal(dsQueryHopSkipReason({ ...noGo, CI: 'true' }), false);
    assert.equal(dsQueryHopSkipReason({ ...noGo, REQUIRE_BROWSER: '1' }), false);
    assert.match(String(dsQueryHopSkipReason(noGo)), /no Go toolchain/);
    await assert.rejects(buildDsQueryHop({ ...noGo, CI: 'true' }), /Go \(1\.26 or newer\) is required/);
  });
});
