/**
 * A throwaway certificate authority and server certificates made with `openssl` in a temp dir: a
 * good leaf for 127.0.0.1/localhost, one for another host name, and one that has expired. What a
 * TLS-intercepting corporate proxy or a private gateway presents.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Leaf {
  key: string;
  cert: string;
}

export interface TestPki {
  dir: string;
  /** The CA certificate file (what a user puts in NODE_EXTRA_CA_CERTS). */
  caFile: string;
  ca: string;
  good: Leaf;
  wrongHost: Leaf;
  expired: Leaf;
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function leaf(dir: string, name: string, san: string, validity: { days: number } | { start: string; end: string }): Leaf {
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  if ('days' in validity) {
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', String(validity.days), '-extfile', `${name}.ext`]);
  } else {
    // `openssl x509` cannot back-date; `openssl ca` can (a minimal database in the temp dir).
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '1000\n');
    writeFileSync(
      join(dir, 'ca.cnf'),
      ['[ca]', 'default_ca=tca', '[tca]', `dir=${dir}`, 'database=$dir/index.txt', 'new_certs_dir=$dir', 'serial=$dir/serial', 'default_md=sha256', 'policy=any', 'copy_extensions=none', '[any]', 'commonName=supplied'].join('\n'),
    );
    openssl(dir, ['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', `${name}.csr`, '-out', `${name}.crt`, '-startdate', validity.start, '-enddate', validity.end, '-extfile', `${name}.ext`, '-notext']);
  }
  return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.crt`), 'utf8') };
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-pki-'));
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', '/CN=Tollgate Test Corporate CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const good = leaf(dir, 'good', 'DNS:localhost,IP:127.0.0.1,DNS:api.corp.test', { days: 30 });
  const wrongHost = leaf(dir, 'wronghost', 'DNS:somewhere-else.example', { days: 30 });
  const expired = leaf(dir, 'expired', 'DNS:localhost,IP:127.0.0.1', { start: '20200101000000Z', end: '20200201000000Z' });
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    good,
    wrongHost,
    expired,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
