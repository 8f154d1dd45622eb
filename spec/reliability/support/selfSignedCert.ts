import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A certificate for 127.0.0.1 and its key, PEM. */
export interface SelfSignedCert {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** How it was made: `'openssl'` at test time, or the committed fixture when openssl is missing. */
  readonly source: 'openssl' | 'fixture';
}

/**
 * A fresh self-signed certificate for `127.0.0.1` (subjectAltName IP:127.0.0.1, P-256, one day),
 * made with `openssl` at test time. Node can parse certificates but not issue them, so without
 * openssl on the PATH this falls back to the committed pair in spec/cli/fixtures.
 */
export function selfSignedCert(): SelfSignedCert {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-cert-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'pipe' },
    );
    return { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile), source: 'openssl' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const fixtures = path.join(__dirname, '..', '..', 'cli', 'fixtures');
    return {
      cert: fs.readFileSync(path.join(fixtures, 'cert.pem')),
      key: fs.readFileSync(path.join(fixtures, 'key.pem')),
      source: 'fixture',
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
