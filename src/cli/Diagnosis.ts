import { ProxyChoice } from './proxyAgent';

/** One step's outcome: a time, or why it was skipped, or the error that stopped it. */
export interface StepTiming {
  readonly ms?: number;
  readonly detail?: string;
  readonly skipped?: string;
  readonly error?: string;
}

/** The ping round trips: how many went and came back, and their spread. */
export interface PingTimings {
  readonly mode: 'ws' | 'app';
  readonly sent: number;
  readonly received: number;
  readonly samplesMs: readonly number[];
  readonly minMs?: number;
  readonly medianMs?: number;
  readonly p95Ms?: number;
  readonly error?: string;
}

/** What `lifeline diagnose` measured. */
export interface Diagnosis {
  readonly url: string;
  readonly ok: boolean;
  readonly steps: {
    readonly dns: StepTiming;
    readonly tcp: StepTiming;
    readonly tls: StepTiming;
    readonly upgrade: StepTiming;
    readonly firstMessage: StepTiming;
    readonly pings: PingTimings;
  };
  readonly totalMs: number;
  /** The proxy the link went through (redacted), and where that came from; `tcp` is then the tunnel. */
  readonly proxy?: { readonly url: string; readonly source: string };
}

/** What `lifeline diagnose` runs with, validated. */
export interface DiagnoseSettings {
  readonly url: string;
  readonly count: number;
  readonly timeout: number;
  readonly ping: 'ws' | 'app';
  readonly pingMessage: string;
  readonly pongMatch: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly protocols: readonly string[];
  readonly subscriptions: readonly string[];
  readonly json: boolean;
  /** `--proxy`, or the environment's; absent: direct. */
  readonly proxy?: ProxyChoice;
}
