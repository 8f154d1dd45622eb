/**
 * Microseconds on a clock that every process on this machine reads alike: `process.hrtime()` is
 * CLOCK_MONOTONIC on Linux (mach_absolute_time on macOS), counted from boot, not from the process's
 * start. A client stamps a message with it and the server subtracts the stamp from its own reading on
 * arrival: send-to-server latency across two processes without any clock synchronisation. (A double
 * holds it to the nanosecond for 104 days of uptime, to the microsecond for ever after.)
 *
 * @example
 * const sentAt = sharedClockMicros();
 * // … in the server process, on arrival:
 * const latencyMicros = sharedClockMicros() - sentAt; // ≥ 0
 *
 * @returns The shared monotonic time, µs.
 */
export function sharedClockMicros(): number {
  const [seconds, nanos] = process.hrtime();
  return seconds * 1e6 + nanos / 1e3;
}
