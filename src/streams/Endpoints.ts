import { Transport } from './Transport';

/**
 * The endpoints of a handle, as nats.js keeps its `Servers`: the list, the preferred one (the
 * first), and the one in use. Failover moves down the list when the current endpoint exhausts its
 * retry budget; failback returns to the preferred one once it answers again.
 */
export class Endpoints {
  private index = 0;

  /**
   * @param urls Every endpoint, preferred first.
   * @param transports One transport per endpoint, in the same order.
   */
  constructor(
    readonly urls: readonly string[],
    private readonly transports: readonly Transport[],
  ) {}

  /** The endpoint in use or being tried. */
  get url(): string {
    return this.urls[this.index] as string;
  }

  /** The transport to the endpoint in use. */
  get transport(): Transport {
    return this.transports[this.index] as Transport;
  }

  /** The transport to the preferred endpoint, for failback probes. */
  get preferred(): Transport {
    return this.transports[0] as Transport;
  }

  /** Whether the endpoint in use is a fallback (not the preferred one). */
  get onFallback(): boolean {
    return this.index > 0;
  }

  /** Whether the handle has several endpoints (events then name the one tried). */
  get several(): boolean {
    return this.urls.length > 1;
  }

  /** Moves to the next endpoint; undefined (and no move) when the current one is the last. */
  failover(): { readonly from: string; readonly to: string } | undefined {
    if (this.index >= this.urls.length - 1) return undefined;
    const from = this.url;
    this.index++;
    return { from, to: this.url };
  }

  /** Moves back to the preferred endpoint; undefined when already there. */
  failback(): { readonly from: string; readonly to: string } | undefined {
    if (this.index === 0) return undefined;
    const from = this.url;
    this.index = 0;
    return { from, to: this.url };
  }

  /** Every transport, for draining on close. */
  all(): readonly Transport[] {
    return this.transports;
  }
}
