/**
 * TLS material for the secrets suite, made with the openssl CLI at test time: a CA, a server certificate for
 * 127.0.0.1 signed by it (installed into a test cluster, which then accepts TLS), a client certificate and key, and
 * an unrelated CA (a certificate check that must fail). The client key is real and random, so a search for it in
 * the plugin's outputs cannot match anything else.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import pg from 'pg';

import type { TestCluster } from '../../support/postgres';

/** PEM strings of the generated material. */
export interface TlsMaterial {
  ca: string;
  otherCa: string;
  clientCert: string;
  clientKey: string;
  /** Installs the server certificate into a cluster and turns TLS on (reload, no restart). */
  enableOn(cluster: TestCluster, adminUrl: string): Promise<void>;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Generates the material in a temporary directory. */
export function makeTlsMaterial(): TlsMaterial {
  const dir = mkdtempSync(path.join(tmpdir(), 'hardening-tls-'));
  const key = (name: string) =>
    openssl(dir, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`]);
  const selfSigned = (name: string, cn: string) =>
    openssl(dir, [
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}.key`,
      '-days',
      '2',
      '-subj',
      `/CN=${cn}`,
      '-out',
      `${name}.crt`,
    ]);
  const signed = (name: string, cn: string, extensions: string) => {
    openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`]);
    writeFileSync(path.join(dir, `${name}.ext`), extensions);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    ]);
  };
  for (const name of ['ca', 'other', 'server', 'client']) {
    key(name);
  }
  selfSigned('ca', 'Ledger Hardening Test CA');
  selfSigned('other', 'Unrelated Test CA');
  signed('server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1\n');
  signed('client', 'grafana_reader', 'extendedKeyUsage=clientAuth\n');
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  return {
    ca: read('ca.crt'),
    otherCa: read('other.crt'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
    async enableOn(cluster, adminUrl) {
      for (const file of ['server.crt', 'server.key']) {
        const target = path.join(cluster.dataDir, file);
        copyFileSync(path.join(dir, file), target);
        chmodSync(target, 0o600);
        if (process.getuid?.() === 0) {
          execFileSync('chown', ['postgres:postgres', target]);
        }
      }
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`ALTER SYSTEM SET ssl = on`);
        await admin.query(`SELECT pg_reload_conf()`);
      } finally {
        await admin.end();
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
