/**
 * gpx_ledger: the backend process Grafana launches for the aicodeteam-ledger-datasource.
 * Composition root: environment → logger → handlers → gRPC server → handshake. Everything else lives in modules.
 */
import { writeHandshake } from './stdoutGuard'; // must stay the first import: nothing may reach stdout before the handshake

import { parseLogLevel, stderrLogger } from './log';
import { lazyHandlers } from './plugin/lazyHandlers';
import { checkLaunchEnvironment, LaunchError, listen, type Listener } from './protocol/handshake';
import { createPluginServer } from './protocol/server';

/** After Shutdown, go-plugin waits 2 s before SIGKILL; we aim to be gone well within 100 ms. */
const SHUTDOWN_BUDGET_MS = 80;

async function main(): Promise<void> {
  const log = stderrLogger(parseLogLevel(process.env.LEDGER_LOG_LEVEL ?? process.env.GF_PLUGIN_LOG_LEVEL));

  process.on('uncaughtException', (error) => {
    log.error('uncaught exception; exiting', { error: error.message, stack: error.stack });
    process.exit(70);
  });
  process.on('unhandledRejection', (reason) => {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    log.error('unhandled promise rejection; exiting', { error: error.message, stack: error.stack });
    process.exit(70);
  });
  // Grafana shares our process group: a Ctrl-C in its terminal must not kill us (go-plugin servers ignore it too).
  process.on('SIGINT', () => undefined);

  try {
    checkLaunchEnvironment(process.env);
  } catch (error) {
    if (error instanceof LaunchError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  if (process.env.NODE_OPTIONS) {
    log.warn('NODE_OPTIONS is set in the environment Grafana passed to the plugin; it changes the Node runtime', {
      hint: 'unset NODE_OPTIONS for Grafana, or exclude it from the plugin environment',
    });
  }

  const handlers = lazyHandlers(async () =>
    (await import('./plugin/createPlugin')).createPlugin({ log, env: process.env })
  );
  let listener: Listener | undefined;
  let shuttingDown = false;
  const shutdown = (reason: string) => {
    if (shuttingDown) {
      return;
    }
    shuttingDown = true;
    log.info('shutting down', { reason });
    const exit = () => {
      listener?.cleanup();
      process.exit(0);
    };
    setTimeout(exit, SHUTDOWN_BUDGET_MS).unref();
    server.forceShutdown();
    handlers.close().then(exit, exit);
  };

  const server = createPluginServer(handlers, log, {
    onShutdownRequested: () => setImmediate(() => shutdown('Shutdown RPC')),
  });
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  listener = await listen(server, process.env);
  await writeHandshake(listener.handshakeLine);
  log.info('plugin started', { network: listener.network, pid: process.pid, node: process.version });
  handlers.preload();

  // If Grafana dies without calling Shutdown we are orphaned; leave instead of lingering.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) {
      shutdown('parent process exited');
    }
  }, 1_000).unref();
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `${JSON.stringify({ '@level': 'error', '@message': 'plugin failed to start', error: message })}\n`
  );
  process.exit(1);
});
