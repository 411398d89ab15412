/**
 * The "slow database" scenario: a TCP proxy between the plugin and PostgreSQL that holds back the server's answer to
 * every statement whose text contains a trigger (by default the `SELECT 1` probes of database.latency_ms) for
 * `delayMs`. No ledger workload can slow a `SELECT 1` honestly (src/ledger/simulator/scenarios/index.ts explains
 * why), but a saturated network or server does exactly this to the round trip the plugin measures.
 */
import net from 'node:net';

/** A running proxy. */
export interface LatencyProxy {
  port: number;
  close(): Promise<void>;
}

/** Proxies 127.0.0.1:<port> → target, delaying the responses to statements containing `trigger`. */
export async function startLatencyProxy(
  target: { host: string; port: number },
  delayMs: number,
  trigger = 'SELECT 1\0'
): Promise<LatencyProxy> {
  const sockets = new Set<net.Socket>();
  const needle = Buffer.from(trigger);
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    let delayed = 0;
    // Responses keep their order: each chunk waits for the one before it.
    let chain: Promise<void> = Promise.resolve();
    client.on('data', (chunk: Buffer) => {
      if (chunk.includes(needle)) {
        delayed++;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      const wait = delayed > 0 ? delayMs : 0;
      if (delayed > 0) {
        delayed--;
      }
      chain = chain
        .then(() => (wait > 0 ? new Promise<void>((resolve) => setTimeout(resolve, wait)) : undefined))
        .then(() => {
          if (!client.destroyed) {
            client.write(chunk);
          }
        });
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
