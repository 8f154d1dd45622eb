import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestScheduler } from 'rxjs/testing';
import { ConnectionEventType as E, connect, serializeState } from '../../src/index';
import { readStateFile } from '../../src/sinks/readStateFile';
import { MarbleTransport } from '../../src/testing';
import { savedState } from '../support/savedState';
const { OPEN } = MarbleTransport;

const state = savedState;

describe('readStateFile', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lifeline-read-'));
    path = join(dir, 'state.json');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should return the state of a valid file', () => {
    writeFileSync(path, serializeState(state));
    expect(readStateFile(path)).toEqual({ state });
  });

  it('should warn, not throw, when there is no file', () => {
    expect(readStateFile(path)).toEqual({ warning: `no state file at ${path} (first run?)` });
  });

  const broken: Array<[string, string, RegExp]> = [
    ['half-written', serializeState(state).slice(0, 120), /: not JSON \(half-written or corrupt\)/],
    ['empty', '', /: not JSON/],
    ['corrupt', '\u0000\u0000garbage', /: not JSON/],
    [
      'of another version',
      serializeState({ ...state, version: 2 as never }),
      /: version 2 is not supported \(expected 1\)/,
    ],
    [
      'hand-edited with a bad count',
      JSON.stringify({ ...state, stats: { ...state.stats, totalConnections: 'x' } }),
      /stats\.totalConnections is not a count/,
    ],
  ];

  it.each(broken)('should warn with the reason when the file is %s', (_case, text, reason) => {
    writeFileSync(path, text);
    const restored = readStateFile(path);
    expect(restored.state).toBeUndefined();
    expect(restored.warning?.startsWith(`${path}: `)).toBe(true);
    expect(restored.warning).toMatch(reason);
  });

  it('should warn when the path cannot be read', () => {
    mkdirSync(path);
    expect(readStateFile(path).warning).toMatch(new RegExp(`^${escape(path)}: cannot read: EISDIR`));
  });

  it('should warn when a parent of the path is a file', () => {
    writeFileSync(path, serializeState(state));
    expect(readStateFile(`${path}/nested.json`).warning).toMatch(/cannot read: ENOTDIR/);
  });

  it('should not throw even for a path that is not a string', () => {
    expect(readStateFile(undefined as never).warning).toMatch(/^undefined: cannot read: /);
  });

  describe('with connect({ restore })', () => {
    const cases: Array<[string, () => void]> = [
      ['missing', () => undefined],
      ['half-written', () => writeFileSync(path, serializeState(state).slice(0, 120))],
      ['corrupt', () => writeFileSync(path, '{"version":1,"savedAt":')],
      ['of another version', () => writeFileSync(path, serializeState({ ...state, version: 7 as never }))],
    ];

    it.each(cases)('should start fresh with a warning event when the file is %s', (_case, prepare) => {
      prepare();
      const restore = readStateFile(path);
      const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
      let events: ReturnType<ReturnType<typeof connect>['recentEvents']> = [];
      let totalConnections = -1;
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(testScheduler, [cold('-o', { o: OPEN })], { autoPongMs: 1 });
        const link = connect({ url: 'ws://exchange.test', transport, scheduler: testScheduler, restore });
        testScheduler.schedule(() => {
          events = link.recentEvents();
          totalConnections = link.snapshot().stats.totalConnections;
          void link.close();
        }, 100);
      });
      expect(events.map((e) => e.type)).toEqual([E.ErrorOccurred, E.Connected]);
      expect(events[0]?.timestamp).toBe(0);
      expect(events[0]?.errorMessage).toBe(`state not restored, starting fresh: ${restore.warning}`);
      expect(totalConnections).toBe(1);
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
