// Which days a scheduled run lists: what can have changed, plus a weekly sweep. Pure.
import { describe, expect, it } from 'vitest';
import { addDays, dayRange } from '../../../../functions/core/lake-paths.ts';
import { daysToList, SWEEP_DAYS } from '../../../../functions/daily/listing-window.ts';
import type { AuditState } from '../../../../functions/daily/plan.ts';
import { highWaterDay } from '../../../../functions/daily/run.ts';

const TODAY = '2025-06-01';
const loaded: AuditState = { loadedFingerprint: 'v1-1-x', lastAttemptFailed: false };

describe('listing window', () => {
  const days = dayRange('2024-06-01', TODAY); // a year of lake
  const audit = new Map(days.map((d) => [d, loaded]));
  const options = { today: TODAY, coldlineAgeDays: 30, retentionDays: 365 };

  it('lists recent days, days due for Coldline or retention, and one day in seven of the rest', () => {
    const { list, notListed } = daysToList(days, audit, options);
    expect(list).toEqual(expect.arrayContaining(['2025-05-30', '2025-05-31', TODAY]));
    expect(list).toEqual(expect.arrayContaining(dayRange(addDays(TODAY, -37), addDays(TODAY, -31)))); // Coldline due within a week
    expect(list.length).toBeLessThan(days.length / 4);
    expect(list.length + notListed.length).toBe(days.length);
  });

  it('lists every old day once in SWEEP_DAYS runs, so a very late batch is found within a week', () => {
    const seen = new Set<string>();
    for (let i = 0; i < SWEEP_DAYS; i++) {
      for (const d of daysToList(days, audit, { ...options, today: addDays(TODAY, i) }).list) seen.add(d);
    }
    expect(days.filter((d) => !seen.has(d))).toEqual([]);
    // and not before: a day is not in two consecutive runs' sweep
    const a = daysToList(days, audit, options).list;
    const b = daysToList(days, audit, { ...options, today: addDays(TODAY, 1) }).list;
    expect(a.filter((d) => b.includes(d) && d < '2025-04-01')).toEqual([]);
  });

  it('always lists a day never loaded or whose last attempt failed, whatever its age', () => {
    const old = '2024-07-02';
    const failed = '2024-07-03';
    const withGaps = new Map(audit);
    withGaps.delete(old);
    withGaps.set(failed, { loadedFingerprint: 'v1-1-x', lastAttemptFailed: true });
    for (let i = 0; i < SWEEP_DAYS; i++) {
      const { list } = daysToList(days, withGaps, { ...options, today: addDays(TODAY, i) });
      expect(list).toEqual(expect.arrayContaining([old, failed]));
    }
  });

  it('reaches back from the last run that loaded: after a week without runs, that week is listed', () => {
    const { list } = daysToList(days, audit, { ...options, highWaterDay: addDays(TODAY, -8) });
    expect(list).toEqual(expect.arrayContaining(dayRange(addDays(TODAY, -10), TODAY)));
    const usual = daysToList(days, audit, options).list;
    expect(usual).not.toEqual(expect.arrayContaining(dayRange(addDays(TODAY, -10), TODAY)));
  });

  it('takes the high-water mark from the newest succeeded load, in either time format', () => {
    expect(
      highWaterDay([
        { day: 'a', status: 'succeeded', fingerprint: '', finishedAt: '2025-05-30T01:00:00Z' },
        { day: 'b', status: 'failed', fingerprint: '', finishedAt: '2025-05-31T01:00:00Z' },
        { day: 'c', status: 'succeeded', fingerprint: '', finishedAt: String(Date.parse('2025-05-29T23:00:00Z')) },
      ]),
    ).toBe('2025-05-30');
    expect(highWaterDay([])).toBeUndefined();
  });
});
