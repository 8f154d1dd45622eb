import { parseState, serializeState } from '../../src/model/PersistedState';
import { savedState } from '../support/savedState';

const state = savedState;

describe('PersistedState', () => {
  it('should read back what it writes', () => {
    expect(parseState(serializeState(state))).toEqual(state);
  });

  it.each([
    ['half-written', serializeState(state).slice(0, 60), /not JSON/],
    ['empty', '', /not JSON/],
    ['another version', JSON.stringify({ ...state, version: 2 }), /version 2 is not supported/],
    ['no version', JSON.stringify({ ...state, version: undefined }), /version undefined/],
    [
      'a negative count',
      JSON.stringify({ ...state, stats: { ...state.stats, totalConnections: -1 } }),
      /totalConnections/,
    ],
    ['a bad time', JSON.stringify({ ...state, savedAt: 'yesterday' }), /savedAt/],
    [
      'a bad event',
      JSON.stringify({ ...state, recentEvents: [{ type: 'Boom', timestamp: 1, description: '' }] }),
      /recentEvents\[0\]/,
    ],
    ['null', 'null', /not an object/],
  ])('should reject a %s file with a readable reason', (_case, text, reason) => {
    expect(() => parseState(text)).toThrow(reason);
  });
});
