import { Observable, Subscription, catchError, defer, finalize, from, mergeMap, of, throwError } from 'rxjs';
import { DirectStream } from './DirectStream';
import { DirectObserver } from './DirectSubscriber';
import { errorMessage } from '../model/RetryExhaustedError';
import { TransportError } from '../model/TransportError';
import { AttemptInfo, UrlFactory } from './SessionOptions';
import { Transport, TransportConnection } from './Transport';

/** One endpoint: where it is (a URL, or a function deciding it per attempt) and how to open a socket to it. */
export interface EndpointSpec {
  /** How events and the status line name it: the URL, or a label for a function. */
  readonly label: string;
  readonly url: string | UrlFactory;
  /** The transport for a URL (a function URL gets one per attempt). */
  readonly transportFor: (url: string) => Transport;
}

/**
 * The endpoints of a handle, as nats.js keeps its `Servers`: the list, the preferred one (the
 * first), and the one in use. Failover moves down the list when the current endpoint exhausts its
 * retry budget; failback returns to the preferred one once it answers again. An endpoint given as a
 * function is asked for its URL before every attempt (a listen key, a signed query string); its
 * failure is a failed attempt.
 */
export class Endpoints {
  private index = 0;
  /**
   * The transport of each endpoint with a fixed URL, by the endpoint's place in the list (a list, not
   * a Map: a handle has one or a few endpoints, and a Map costs 300 B however few it holds).
   */
  private readonly fixed: readonly (Transport | undefined)[];
  /** Transports made for function URLs, kept until their socket closes so `close()` can wait for them. */
  private made: Set<Transport> | undefined;
  /** The URL the last socket opened went to (a function URL's answer). */
  private lastUrl = '';

  /** @param specs Every endpoint, preferred first. */
  constructor(private readonly specs: readonly EndpointSpec[]) {
    this.fixed = specs.map((spec) => (typeof spec.url === 'string' ? spec.transportFor(spec.url) : undefined));
  }

  /** The endpoint in use or being tried, by its label. */
  get url(): string {
    return this.current.label;
  }

  /** Whether the endpoint in use is a fallback (not the preferred one). */
  get onFallback(): boolean {
    return this.index > 0;
  }

  /** Whether the handle has several endpoints (events then name the one tried). */
  get several(): boolean {
    return this.specs.length > 1;
  }

  /** The URL the last socket went to: read it when the socket opens. */
  get openedUrl(): string {
    return this.lastUrl;
  }

  /** Opens a socket to the endpoint in use (asking a function URL for its URL first). */
  open(info: AttemptInfo): Observable<TransportConnection> {
    return this.connect(this.current, info);
  }

  /** Opens a socket to the preferred endpoint, for a failback probe. */
  openPreferred(info: AttemptInfo): Observable<TransportConnection> {
    return this.connect(this.specs[0] as EndpointSpec, info);
  }

  /** Moves to the next endpoint; undefined (and no move) when the current one is the last. */
  failover(): { readonly from: string; readonly to: string } | undefined {
    if (this.index >= this.specs.length - 1) return undefined;
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

  /** Resolves once every socket of every endpoint has closed. */
  drain(): Promise<void> {
    return Promise.all([...this.fixed, ...(this.made ?? [])].map((transport) => transport?.drain?.())).then(
      () => undefined,
    );
  }

  /** A socket is being opened to `url`. */
  opening(url: string): void {
    this.lastUrl = url;
  }

  private get current(): EndpointSpec {
    return this.specs[this.index] as EndpointSpec;
  }

  private connect(spec: EndpointSpec, info: AttemptInfo): Observable<TransportConnection> {
    const fixed = this.fixed[this.specs.indexOf(spec)];
    if (fixed !== undefined) return new FixedOpen(this, spec.url as string, fixed);
    // A synchronous answer stays synchronous (marble specs run in virtual time); a promise is awaited.
    return defer(() => {
      const url = (spec.url as UrlFactory)(info);
      return typeof url === 'string' ? of(url) : from(url);
    }).pipe(
      catchError((error: unknown) => throwError(() => urlFactoryError(error))),
      mergeMap((url) => {
        if (typeof url !== 'string' || !/^wss?:\/\//.test(url)) {
          throw new TransportError(`the url function returned ${JSON.stringify(url)}, not a ws:// or wss:// URL`);
        }
        const transport = spec.transportFor(url);
        (this.made ??= new Set()).add(transport);
        this.lastUrl = url;
        return transport
          .connect()
          .pipe(finalize(() => void transport.drain?.().then(() => this.made?.delete(transport))));
      }),
    );
  }
}

/**
 * A socket to a fixed URL, as `defer(() => transport.connect())` would open it, but handing the
 * subscriber to the transport as it came: a plain observer (a link's socket leg) then reaches a
 * transport that takes one directly (see `DirectStream`) with no RxJS subscriber made on the way.
 */
class FixedOpen extends DirectStream<TransportConnection> {
  constructor(
    private readonly endpoints: Endpoints,
    private readonly url: string,
    private readonly transport: Transport,
  ) {
    super();
  }

  protected adopt(observer: DirectObserver<TransportConnection>): Subscription {
    this.endpoints.opening(this.url);
    let connection$: Observable<TransportConnection>;
    try {
      connection$ = this.transport.connect();
    } catch (error) {
      // As `defer` would: a transport that throws fails the attempt, it does not throw into it.
      connection$ = throwError(() => error);
    }
    return connection$.subscribe(observer ?? undefined);
  }
}

/** A failed URL function, as the attempt's error. */
function urlFactoryError(error: unknown): TransportError {
  return error instanceof TransportError
    ? error
    : new TransportError(`the url function failed: ${errorMessage(error)}`);
}
