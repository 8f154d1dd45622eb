import { KeyObject, generateKeyPairSync, sign } from 'node:crypto';

/** An Ed25519 key pair for the mocks' signed logins, and a signer as a user would write it. */
export interface Ed25519Key {
  readonly publicKey: KeyObject;
  /** Signs a payload: base64, as Binance's session.logon takes it. */
  sign(payload: string): string;
}

export function ed25519Key(): Ed25519Key {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey, sign: (payload) => sign(null, Buffer.from(payload), privateKey).toString('base64') };
}
