import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let sequence = 0;

/**
 * Replaces the file at `path` with `text` so that a reader sees either the old file or the new one,
 * never a mix: the text goes to a temporary file in the same directory (`.name.<pid>.<n>.tmp`), is
 * flushed to disk (`fsync`), and is then renamed over `path` — an atomic step on POSIX file systems,
 * and a crash or power cut at any point leaves the previous file intact. Synchronous, so a write
 * made while the process shuts down is complete before it exits.
 *
 * On failure the temporary file is removed and the error thrown; `path` is untouched.
 *
 * @example
 * writeFileAtomically('/var/lib/bot/lifeline.json', serializeState(state));
 *
 * @param path The file to replace (its directory must exist).
 * @param text The new content, written as UTF-8.
 * @param mode Permissions of a new file. Defaults to `0o600`: state can hold error messages with hosts and paths.
 */
export function writeFileAtomically(path: string, text: string, mode = 0o600): void {
  const directory = dirname(path);
  const temporary = join(directory, `.${basename(path)}.${process.pid}.${sequence++}.tmp`);
  let fd: number | undefined = openSync(temporary, 'w', mode);
  try {
    writeSync(fd, text, null, 'utf8');
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // Already gone: the error that matters is the one below.
    }
    throw error;
  }
  syncDirectory(directory);
}

/** Makes the rename itself durable where the platform allows it (Linux, macOS); a no-op elsewhere. */
function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open or fsync a directory; the rename is as durable as the platform makes it.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
