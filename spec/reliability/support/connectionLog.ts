import WebSocket, { WebSocketServer } from 'ws';

/** One server-side connection: what arrived on it, in order, and how it ended. */
export interface ServerConnection {
  /** 0 for the first connection the log saw. */
  readonly index: number;
  readonly socket: WebSocket;
  /** Text frames received, in order. */
  readonly messages: string[];
  /** The close code the server saw (1000, 1006, 1009, …), once closed. */
  closeCode?: number;
  closed: boolean;
}

/**
 * The server side of a case: every connection and every text frame on it, across server restarts,
 * so a case can check "delivered exactly once, in order" per connection and overall.
 */
export class ConnectionLog {
  readonly connections: ServerConnection[] = [];

  /** Starts logging `socket` as the next connection. */
  add(socket: WebSocket): ServerConnection {
    const connection: ServerConnection = { index: this.connections.length, socket, messages: [], closed: false };
    this.connections.push(connection);
    socket.on('message', (data, isBinary) => {
      if (!isBinary) connection.messages.push(data.toString());
    });
    socket.on('close', (code) => {
      connection.closeCode = code;
      connection.closed = true;
    });
    return connection;
  }

  /** Logs every connection `wss` accepts from now on. */
  attach(wss: WebSocketServer): this {
    wss.on('connection', (socket) => this.add(socket));
    return this;
  }

  /** Every text frame, in arrival order across connections. */
  get messages(): string[] {
    return this.connections.flatMap((connection) => connection.messages);
  }

  /** The newest connection, if any. */
  get latest(): ServerConnection | undefined {
    return this.connections[this.connections.length - 1];
  }

  /** How many times `text` arrived, across connections. */
  count(text: string): number {
    return this.messages.filter((message) => message === text).length;
  }
}
