import { describe, expect, it } from 'vitest';
import { deserializeState, emptyState, serializeState } from '../../../../functions/core/index.ts';

const reasonOf = (text: string) => {
  const result = deserializeState(text);
  if (result.ok) throw new Error('accepted');
  return result.reason;
};

describe('alarm state files', () => {
  const entry = { tag: '10LAB10CP001', ts: 1, lastGood: null, lastGoodTs: null, conditions: {}, stat: null };

  it('round-trips and sorts a hand-edited tag list', () => {
    const state = { ...emptyState(), site: 'REF-01', tags: [{ ...entry, tag: '10LAB20CP001' }, entry] };
    const loaded = deserializeState(serializeState(state));
    expect(loaded.ok && loaded.state.tags.map((t) => t.tag)).toEqual(['10LAB10CP001', '10LAB20CP001']);
  });

  it('refuses what it cannot use, saying how to recover', () => {
    expect(reasonOf('{')).toMatch(/^alarm state is not JSON \(.*\); delete the state object to start fresh \(active alarms will be raised again\)$/);
    expect(reasonOf('{"version":2,"site":null,"tags":[]}')).toBe(
      'alarm state has version 2, this code reads version 1; deploy the detect that wrote it, or delete the state object to start fresh',
    );
    expect(reasonOf(JSON.stringify({ ...emptyState(), tags: [{ ...entry, ts: 'x' }] }))).toBe(
      'alarm state does not match its schema; delete the state object to start fresh (1 problem): tags[0].ts: must be a number, not "x"',
    );
    expect(reasonOf(JSON.stringify({ ...emptyState(), tags: [entry, entry] }))).toBe(
      'alarm state lists tag 10LAB10CP001 twice; keep one entry or delete the state object to start fresh',
    );
  });
});
