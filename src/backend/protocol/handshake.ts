/**
 * go-plugin's launch contract: refuse to run without Grafana's magic cookie, listen, then print exactly one
 * handshake line on stdout (`1|2|unix|/path|grpc`). Nothing else may ever be written to stdout.
 *
 * Transport: a unix socket inside a fresh 0700 directory (socket mode 0600) wherever the OS has them, so only
 * Grafana's user can connect — a loopback TCP port would be open to every local user, and Grafana uses no auth
 * or TLS on this connection. Windows, or LEDGER_PLUGIN_TRANSPORT=tcp, uses 127.0.0.1 on a free port.
 */
import * as grpc from '@grpc/grpc-js';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Grafana's handshake: go-plugin core protocol 1, plugin protocol 2, gRPC. */
export const MAGIC_COOKIE_KEY = 'grafana_plugin_type';
export const MAGIC_COOKIE_VALUE = 'datasource';
export const CORE_PROTOCOL_VERSION = 1;
export const APP_PROTOCOL_VERSION = 2;

/** Why the process must not start. */
export class LaunchError extends Error {
  override readonly name = 'LaunchError';
}

/** Checks the environment go-plugin gives a plugin; throws LaunchError with a human explanation. */
export function checkLaunchEnvironment(env: NodeJS.ProcessEnv): void {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    throw new LaunchError(
      'This binary is a Grafana backend plugin (aicodeteam-ledger-datasource). It is started by Grafana, not by hand.'
    );
  }
  const offered = env.PLUGIN_PROTOCOL_VERSIONS;
  if (
    offered &&
    !offered
      .split(',')
      .map((v) => v.trim())
      .includes(String(APP_PROTOCOL_VERSION))
  ) {
    throw new LaunchError(
      `Grafana offers plugin protocol versions ${offered}; this plugin speaks ${APP_PROTOCOL_VERSION}.`
    );
  }
}

/** Where the server listens, and how to clean up afterwards. */
export interface Listener {
  network: 'unix' | 'tcp';
  address: string;
  /** The handshake line, newline included. */
  handshakeLine: string;
  /** Removes the socket directory, if any. */
  cleanup(): void;
}

function bind(server: grpc.Server, target: string): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync(target, grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port)
    )
  );
}

/** Binds the server (unix socket or loopback TCP) and returns the handshake to print. */
export async function listen(server: grpc.Server, env: NodeJS.ProcessEnv): Promise<Listener> {
  const useTcp = process.platform === 'win32' || env.LEDGER_PLUGIN_TRANSPORT === 'tcp';
  if (useTcp) {
    const port = await bind(server, '127.0.0.1:0');
    const address = `127.0.0.1:${port}`;
    return { network: 'tcp', address, handshakeLine: handshake('tcp', address), cleanup: () => undefined };
  }
  const dir = mkdtempSync(path.join(env.PLUGIN_UNIX_SOCKET_DIR || tmpdir(), 'gpx_ledger-'));
  const socket = path.join(dir, 'plugin.sock');
  try {
    await bind(server, `unix:${socket}`);
    chmodSync(socket, 0o600);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    network: 'unix',
    address: socket,
    handshakeLine: handshake('unix', socket),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function handshake(network: 'unix' | 'tcp', address: string): string {
  return `${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|${network}|${address}|grpc\n`;
}
