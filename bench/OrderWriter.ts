import { ArrivalSummary } from './ArrivalRecorder';
import { BenchOrder } from './benchOrder';

/** One way of writing orders to the benchmark server's `/orders`; the outbound suite times it. */
export interface OrderWriter {
  /**
   * Writes orders `from`…`from + count − 1`, each stamped as it is handed over, as fast as the
   * writer's backpressure allows; resolves once the last one's bytes are in the kernel.
   *
   * @returns How many were refused (a rejected `send()`); 0 when all went out.
   */
  burst(from: number, count: number): Promise<number>;
  /** Writes one order now, without waiting for it. */
  one(order: BenchOrder): void;
  /** The server's summary of the orders it received since the last one. */
  report(): Promise<ArrivalSummary>;
  /** Drops the connection. */
  close(): void;
}
