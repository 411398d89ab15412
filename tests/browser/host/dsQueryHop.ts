/**
 * The server-side hop of POST /api/ds/query, done by Grafana's Go SDK: tests/conformance/cmd/dsqueryjson turns the
 * plugin's QueryDataResponse bytes into the status and body Grafana answers (see that file for the Grafana sources
 * it follows). It is built once per run (the Go build cache makes that quick after the first time) and kept running:
 * one base64 line in, one "<status> <body>" line out, in order.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { REPO_ROOT } from '../../support/pluginProcess';

const GO_MODULE = path.join(REPO_ROOT, 'tests', 'conformance');

/** What Grafana wrote: the HTTP status and the body bytes. */
export interface HopAnswer {
  status: number;
  body: Buffer;
}

/** The running hop. */
export interface DsQueryHop {
  /** Grafana's answer for the plugin's QueryDataResponse, as protobuf bytes. */
  answer(queryDataResponse: Uint8Array): Promise<HopAnswer>;
  /** What the hop wrote on stderr (why an answer could not be converted). */
  stderr: string[];
  close(): Promise<void>;
}

/** CI (or REQUIRE_BROWSER=1) must run the browser suite: there a missing Go is a failure, not a skip. */
function required(env: NodeJS.ProcessEnv): boolean {
  return env.REQUIRE_BROWSER === '1' || Boolean(env.CI);
}

function goIsInstalled(env: NodeJS.ProcessEnv): boolean {
  return !spawnSync('go', ['version'], { env, stdio: 'ignore' }).error;
}

/** Why the hop cannot run here, or false. Only outside CI: there the build fails with the reason instead. */
export function dsQueryHopSkipReason(env: NodeJS.ProcessEnv = process.env): string | false {
  if (required(env) || goIsInstalled(env)) {
    return false;
  }
  return 'no Go toolchain: /api/ds/query is answered by Grafana’s Go SDK (tests/conformance/cmd/dsqueryjson)';
}

/** Builds dsqueryjson into a fresh temporary directory and returns the executable. */
export async function buildDsQueryHop(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (!goIsInstalled(env)) {
    throw new Error(
      'Go (1.26 or newer) is required by the browser tests: /api/ds/query is answered by Grafana’s Go SDK ' +
        '(tests/conformance/cmd/dsqueryjson); install Go, or run without CI/REQUIRE_BROWSER to skip the suite'
    );
  }
  const executable = path.join(mkdtempSync(path.join(tmpdir(), 'ledger-dsqueryjson-')), 'dsqueryjson');
  await new Promise<void>((resolve, reject) =>
    execFile('go', ['build', '-o', executable, './cmd/dsqueryjson'], { cwd: GO_MODULE, env }, (error, _out, err) =>
      error ? reject(new Error(`go build ./cmd/dsqueryjson failed: ${err || error.message}`)) : resolve()
    )
  );
  return executable;
}

/** Builds and starts the hop. */
export async function startDsQueryHop(): Promise<DsQueryHop> {
  const executable = await buildDsQueryHop();
  const child = spawn(executable, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const waiting: Array<{ resolve: (answer: HopAnswer) => void; reject: (error: Error) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const request = waiting.shift();
    const match = /^(\d{3}) (.*)$/s.exec(line);
    if (!request) {
      return;
    }
    if (!match) {
      request.reject(new Error(`dsqueryjson wrote an unexpected line: ${line.slice(0, 200)}`));
      return;
    }
    // readline took the encoder's newline off; Grafana's body ends with it.
    request.resolve({ status: Number(match[1]), body: Buffer.from(`${match[2]}\n`) });
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      const error = new Error(`dsqueryjson exited (${code ?? signal}); stderr: ${stderr.join('\n')}`);
      waiting.splice(0).forEach((request) => request.reject(error));
      resolve();
    })
  );
  return {
    stderr,
    answer: (queryDataResponse) =>
      new Promise<HopAnswer>((resolve, reject) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          reject(new Error(`dsqueryjson is not running; stderr: ${stderr.join('\n')}`));
          return;
        }
        waiting.push({ resolve, reject });
        child.stdin!.write(`${Buffer.from(queryDataResponse).toString('base64')}\n`);
      }),
    async close() {
      // End of input is the hop's signal to stop.
      child.stdin!.end();
      await exited;
      rmSync(path.dirname(executable), { recursive: true, force: true });
    },
  };
}
