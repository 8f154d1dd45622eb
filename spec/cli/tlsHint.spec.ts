import { tlsHint } from '../../src/cli/tlsHint';

// As Node 20 (OpenSSL 3.0) reports `wss://` to a plain `ws://` server: on the socket, and in ws' error.
const SOCKET_ERROR =
  '80AC86DCDC7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n';
const HINT = 'TLS handshake failed (wrong version number): is the server plain ws://? Then use ws:// instead of wss://';

describe('tlsHint', () => {
  it('should replace OpenSSL\'s "wrong version number" with the question that fixes it', () => {
    expect(tlsHint(SOCKET_ERROR)).toBe(HINT);
    expect(tlsHint(`initial connection failed (write EPROTO ${SOCKET_ERROR})`)).toBe(
      `initial connection failed (${HINT})`,
    );
  });

  it('should read the shorter form of newer OpenSSL versions', () => {
    expect(tlsHint('read EPROTO 40F7C8D1:error:0A00010B:SSL routines::wrong version number')).toBe(HINT);
  });

  it('should keep only the reason of other TLS errors, without a hint that would mislead', () => {
    expect(
      tlsHint('write EPROTO 80DC:error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:../x.c:1:'),
    ).toBe('TLS error: sslv3 alert handshake failure');
  });

  it('should leave other text as it is', () => {
    expect(tlsHint('connect ECONNREFUSED 127.0.0.1:1')).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(tlsHint('self-signed certificate')).toBe('self-signed certificate');
  });
});
