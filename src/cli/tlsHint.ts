// OpenSSL's error string as Node passes it on, e.g. "write EPROTO 80DC…:error:0A00010B:SSL routines:
// ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n".
const OPENSSL_ERROR = /(?:(?:read|write) EPROTO )?[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:\n]*:([^:\n]+)[^\s)]*\s*/g;
// What OpenSSL reads from a server that answers in plain text (HTTP) instead of TLS.
const NOT_TLS = /^(wrong version number|packet length too long|http request|unknown protocol)$/i;

/**
 * Raw OpenSSL errors in a line of CLI output, said for a person: the reason without the library's
 * codes and source paths and, when the server does not speak TLS at all (`wss://` to a plain
 * `ws://` server gives "wrong version number"), the question that fixes it.
 *
 * @example
 * tlsHint('initial connection failed (write EPROTO 80DC…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/…/ssl3_record.c:350:\n)');
 * // 'initial connection failed (TLS handshake failed (wrong version number): is the server plain ws://? Then use ws:// instead of wss://)'
 *
 * @param text A line of output.
 * @returns The line with each OpenSSL error rewritten; any other line as it is.
 */
export function tlsHint(text: string): string {
  return text.replace(OPENSSL_ERROR, (_: string, reason: string) =>
    NOT_TLS.test(reason.trim())
      ? `TLS handshake failed (${reason.trim()}): is the server plain ws://? Then use ws:// instead of wss://`
      : `TLS error: ${reason.trim()}`,
  );
}
