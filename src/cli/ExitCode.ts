/**
 * The exit codes of `lifeline`:
 * - `0` the normal end: `--duration` elapsed, SIGINT/SIGTERM, or the demo's story ended;
 * - `1` an unexpected error (a bug, or the environment: a port that cannot be bound);
 * - `2` bad arguments: nothing was started;
 * - `3` the connection ended Failed (monitor), or could not be established (diagnose).
 */
export const ExitCode = {
  Ok: 0,
  Error: 1,
  Usage: 2,
  Failed: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
