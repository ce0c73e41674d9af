// The daily function's request body: Scheduler's {} and an operator's range.
import { describe, expect, it } from 'vitest';
import { parseDailyRequest } from '../../../../functions/daily/request.ts';

describe('parseDailyRequest', () => {
  it.each([undefined, '', {}, '{}', Buffer.from('{}'), Buffer.alloc(0)])('takes %j as a plain scheduled run', (body) => {
    expect(parseDailyRequest(body)).toEqual({ ok: true, request: {} });
  });

  it('takes a range with options', () => {
    expect(parseDailyRequest({ from: '2024-03-01', to: '2024-03-03', force: true, lifecycle: false, budgetSeconds: 60 })).toEqual({
      ok: true,
      request: { from: '2024-03-01', to: '2024-03-03', force: true, lifecycle: false, budgetSeconds: 60 },
    });
  });

  it.each([
    ['not json', /not JSON/],
    [[1], /JSON object/],
    [{ day: '2024-03-01' }, /unknown field\(s\) day/],
    [{ from: '2024-02-30' }, /from must be a day/],
    [{ from: '2024-03-02', to: '2024-03-01' }, /before from/],
    [{ to: '2024-03-01' }, /to needs from/],
    [{ force: 'yes' }, /force must be true or false/],
    [{ budgetSeconds: 0 }, /budgetSeconds must be a positive number/],
  ])('refuses %j', (body, reason) => {
    const r = parseDailyRequest(body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
