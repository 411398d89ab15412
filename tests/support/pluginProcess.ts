/**
 * Acts as Grafana towards the built backend: launches dist/datasource/gpx_ledger_<os>_<arch> with go-plugin's
 * environment (magic cookie, protocol versions, port range) and nothing else from our environment, reads the
 * handshake line, and calls the plugin over gRPC with clients generated from the same vendored protos Grafana uses.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

import descriptor from '../../src/backend/protocol/generated/descriptor.json';

/** Repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The executable Grafana would load on this machine. */
export function pluginExecutable(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const file = path.join(REPO_ROOT, 'dist', 'datasource', `gpx_ledger_linux_${arch}`);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run npm run build first`);
  }
  return file;
}

/** The environment go-plugin gives a Grafana backend plugin (Grafana's own variables omitted). */
export function grafanaPluginEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    grafana_plugin_type: 'datasource',
    PLUGIN_PROTOCOL_VERSIONS: '2',
    PLUGIN_MIN_PORT: '10000',
    PLUGIN_MAX_PORT: '25000',
    GF_VERSION: '12.4.0',
    GF_EDITION: 'Open Source',
    ...extra,
  };
}

type Clients = Record<'data' | 'diagnostics' | 'resource' | 'stream' | 'health' | 'controller' | 'stdio', grpc.Client>;

/** A launched plugin process and gRPC clients connected to it. */
export interface PluginUnderTest {
  child: ChildProcess;
  handshake: string;
  /** Every stderr line so far (raw). */
  stderr: string[];
  /** Everything the process wrote to stdout, handshake included. */
  stdout: string[];
  clients: Clients;
  /** ms from spawn to the handshake line. */
  handshakeMs: number;
  /** Unary call helper: `unary('data', 'QueryData', request)`. */
  unary<T = any>(
    client: keyof Clients,
    method: string,
    request: unknown,
    options?: { deadlineMs?: number }
  ): Promise<T>;
  /** Server-streaming call helper: collects every message until the stream ends. */
  collect<T = any>(client: keyof Clients, method: string, request: unknown): Promise<T[]>;
  /** Resolves with the exit code/signal when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Calls GRPCController.Shutdown (as go-plugin's Kill does) and waits for the exit. */
  shutdown(): Promise<{ code: number | null; ms: number }>;
  /** SIGKILLs the process if it is still running. */
  kill(): void;
}

const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true };

function makeClients(target: string): Clients {
  const pkg = grpc.loadPackageDefinition(
    protoLoader.fromJSON(descriptor as unknown as Parameters<typeof protoLoader.fromJSON>[0], LOADER_OPTIONS)
  ) as any;
  const credentials = grpc.credentials.createInsecure();
  const options = { 'grpc.max_receive_message_length': -1 };
  return {
    data: new pkg.pluginv2.Data(target, credentials, options),
    diagnostics: new pkg.pluginv2.Diagnostics(target, credentials, options),
    resource: new pkg.pluginv2.Resource(target, credentials, options),
    stream: new pkg.pluginv2.Stream(target, credentials, options),
    health: new pkg.grpc.health.v1.Health(target, credentials, options),
    controller: new pkg.plugin.GRPCController(target, credentials, options),
    stdio: new pkg.plugin.GRPCStdio(target, credentials, options),
  };
}

/** Launches the plugin and waits for its handshake (rejects on early exit or a bad handshake). */
export async function launchPlugin(
  options: {
    env?: NodeJS.ProcessEnv;
    executable?: string;
    wrapper?: string[];
    handshakeTimeoutMs?: number;
    /** The plugin runs chrooted here (`wrapper`): the socket its handshake names is under this directory. */
    socketRoot?: string;
  } = {}
): Promise<PluginUnderTest> {
  const started = Date.now();
  // `wrapper` runs the executable through another program (e.g. an emulator for another CPU architecture).
  const [command, ...args] = [...(options.wrapper ?? []), options.executable ?? pluginExecutable()];
  const child = spawn(command!, args, {
    env: grafanaPluginEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  const stdout: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal }))
  );
  const lines = createInterface({ input: child.stdout! });
  const handshake = await new Promise<string>((resolve, reject) => {
    const limit = options.handshakeTimeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      // Never leave a process behind: it would keep the test runner alive.
      child.kill('SIGKILL');
      reject(new Error(`no handshake within ${limit} ms; stderr: ${stderr.join('\n')}`));
    }, limit);
    lines.on('line', (line) => {
      stdout.push(line);
      if (stdout.length === 1) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`plugin exited (${code}) before the handshake; stderr: ${stderr.join('\n')}`));
    });
  });
  const handshakeMs = Date.now() - started;
  const parts = handshake.split('|');
  if (parts.length < 5 || parts[0] !== '1' || parts[1] !== '2' || parts[4] !== 'grpc') {
    child.kill('SIGKILL');
    throw new Error(`unexpected handshake line: ${handshake}`);
  }
  const target = parts[2] === 'unix' ? `unix:${options.socketRoot ?? ''}${parts[3]}` : parts[3]!;
  const clients = makeClients(target);

  const unary = <T>(
    client: keyof Clients,
    method: string,
    request: unknown,
    callOptions: { deadlineMs?: number } = {}
  ) =>
    new Promise<T>((resolve, reject) => {
      const deadline = new Date(Date.now() + (callOptions.deadlineMs ?? 30_000));
      (clients[client] as any)[method](request, { deadline }, (error: Error | null, response: T) =>
        error ? reject(error) : resolve(response)
      );
    });
  const collect = <T>(client: keyof Clients, method: string, request: unknown) =>
    new Promise<T[]>((resolve, reject) => {
      const messages: T[] = [];
      const call = (clients[client] as any)[method](request);
      call.on('data', (message: T) => messages.push(message));
      call.on('error', reject);
      call.on('end', () => resolve(messages));
    });

  const closeClients = () => Object.values(clients).forEach((client) => client.close());
  return {
    child,
    handshake,
    stderr,
    stdout,
    clients,
    handshakeMs,
    unary,
    collect,
    exited,
    async shutdown() {
      const start = Date.now();
      await unary('controller', 'Shutdown', {}).catch(() => undefined);
      const result = await Promise.race([
        exited,
        new Promise<{ code: null; signal: null }>((resolve) =>
          setTimeout(() => resolve({ code: null, signal: null }), 2_000)
        ),
      ]);
      closeClients();
      return { code: result.code, ms: Date.now() - start };
    },
    kill() {
      closeClients();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
    },
  };
}
