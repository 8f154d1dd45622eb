import WebSocket from 'ws';
import { TestServer, TestServerOptions, startTestServer } from '../../support/testServer';
import { ConnectionLog } from './connectionLog';

/**
 * A `startTestServer` server that can be stopped and started again on the same port (a restart, an
 * outage), logging every connection across restarts in one `ConnectionLog`.
 */
export interface RecordingServer {
  readonly port: number;
  readonly url: string;
  readonly log: ConnectionLog;
  /** The running server, if up. */
  readonly current: TestServer | undefined;
  /** Stops listening and destroys every socket (the clients see 1006). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Same as `stop`: for `ReliabilityCase.own`. */
  close(): Promise<void>;
}

export async function startRecordingServer(
  options: TestServerOptions & { readonly onSocket?: (socket: WebSocket) => void } = {},
): Promise<RecordingServer> {
  const { onSocket, ...serverOptions } = options;
  const log = new ConnectionLog();
  let current: TestServer | undefined;
  let port = options.port ?? 0;
  const start = async (): Promise<void> => {
    if (current) return;
    current = await startTestServer({
      ...serverOptions,
      port,
      onConnection: (socket, request) => {
        log.add(socket);
        onSocket?.(socket);
        serverOptions.onConnection?.(socket, request);
      },
    });
    port = current.port;
  };
  const stop = async (): Promise<void> => {
    const server = current;
    current = undefined;
    await server?.close();
  };
  await start();
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    log,
    get current() {
      return current;
    },
    stop,
    start,
    close: stop,
  };
}
