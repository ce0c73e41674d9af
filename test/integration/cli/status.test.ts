// `plantlake status` at lake sizes past one listing page, as an operator runs it (the real CLI in
// a child process against the emulators): every raw day counted (not the first 1,000 prefixes),
// a quarantine of more than a page counted by streaming, the newest records with site and reason,
// the daily lease holder, and what the emulators cannot show (live backlogs).
import { beforeAll, describe, expect, it } from 'vitest';
import { envForTarget } from '../../../functions/adapters/clients.ts';
import { createLogger } from '../../../functions/adapters/log.ts';
import { ENV } from '../../../functions/core/function-env.ts';
import { acquireLease } from '../../../functions/daily/lease.ts';
import { pipelineNames, provision, type PipelineNames } from '../../../local/provision.ts';
import { clients, emulatorTarget, uniqueName } from '../../harness/emulators.ts';
import { runCli } from '../../harness/cli.ts';

let names: PipelineNames;

function plantlake(args: string[]) {
  const env = { ...process.env, ...envForTarget(emulatorTarget()), [ENV.rawBucket]: names.buckets.raw, [ENV.dataset]: names.dataset };
  return runCli(args, env, { maxBuffer: 1 << 26 });
}

/** Runs `fn` over 0..n-1, `limit` at a time. */
async function each(n: number, limit: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

const DAYS = 1_030;
const QUARANTINED = 1_020;

describe('plantlake status on a large lake', () => {
  let lease: Awaited<ReturnType<typeof acquireLease>>;
  beforeAll(async () => {
    names = pipelineNames({ suffix: uniqueName('status') });
    await provision(clients(), names);
    const raw = clients().storage.bucket(names.buckets.raw);
    const day0 = Date.parse('2022-01-01T00:00:00Z');
    const dayAt = (i: number) => new Date(day0 + i * 86_400_000).toISOString().slice(0, 10);
    await each(DAYS, 16, (i) => raw.file(`readings/dt=${dayAt(i)}/site=A/b${i}.ndjson.gz`).save('x', { resumable: false }));
    await each(QUARANTINED, 16, (i) =>
      raw.file(`quarantine/dt=${i < 1000 ? '2026-11-30' : '2026-12-01'}/m${String(i).padStart(5, '0')}.json`).save(
        JSON.stringify({
          reason: `readings[0].ts: not an RFC 3339 time (${i})`,
          attributes: { site: i % 2 ? 'REF-01' : 'WELL-01' },
          orderingKey: null,
          quarantinedAt: new Date(day0 + i * 1000).toISOString(),
        }),
        { resumable: false },
      ),
    );
    lease = await acquireLease(raw, { runId: 'status-run', holder: 'cli backfill by ops@host', log: createLogger({ function: 'test' }, () => {}) });
  }, 300_000);

  it('counts every raw day and every quarantine record, shows the newest with site and reason, and the lease', async () => {
    const r = await plantlake(['status', '--json', '--dead-letter', names.deadLetterSubscriptions.readings]);
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out) as {
      rawDays: string[];
      quarantined: number;
      quarantinedByDay: Record<string, number>;
      quarantineRecent: { name: string; site: string; reason: string }[];
      lease: { runId: string; holder: string } | null;
      backlogs: { available: boolean; reason?: string };
    };
    expect(s.rawDays).toHaveLength(DAYS);
    expect(s.rawDays[0]).toBe('2022-01-01');
    expect(s.rawDays.at(-1)).toBe(new Date(Date.parse('2022-01-01T00:00:00Z') + (DAYS - 1) * 86_400_000).toISOString().slice(0, 10));
    expect(s.quarantined).toBe(QUARANTINED);
    expect(s.quarantinedByDay).toEqual({ '2026-11-30': 1000, '2026-12-01': 20 });
    expect(s.quarantineRecent).toHaveLength(5);
    for (const q of s.quarantineRecent) {
      expect(['REF-01', 'WELL-01']).toContain(q.site);
      expect(q.reason).toMatch(/^readings\[0\]\.ts: not an RFC 3339 time/);
    }
    expect(s.lease).toMatchObject({ runId: 'status-run', holder: 'cli backfill by ops@host' });
    expect(s.backlogs).toEqual({ available: false, reason: expect.stringContaining('the emulators have no Cloud Monitoring') });
  });

  it('prints the same as text', async () => {
    const r = await plantlake(['status', '--dead-letter', names.deadLetterSubscriptions.readings]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`raw zone      ${DAYS} day(s), 2022-01-01 … `);
    expect(r.out).toContain(`quarantine    ${QUARANTINED} object(s) (2026-12-01: 20, 2026-11-30: 1000)`);
    expect(r.out).toMatch(/ {2}\S+ {2}site (REF-01|WELL-01) {2}readings\[0\]\.ts: not an RFC 3339 time/);
    expect(r.out).toContain('daily lease   held by cli backfill by ops@host (run status-run) since ');
    expect(r.out).toContain('backlog       live backlogs not available: the emulators have no Cloud Monitoring');
    await lease.release();
    expect((await plantlake(['status', '--dead-letter', names.deadLetterSubscriptions.readings])).out).toContain('daily lease   free');
  });

  it('--quarantine-by-site reads every record, streamed, and counts by site and reason', async () => {
    const r = await plantlake(['status', '--json', '--quarantine-by-site', '--dead-letter', names.deadLetterSubscriptions.readings]);
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out) as { quarantineBySite: { groups: { site: string; reason: string; count: number }[]; other: number } };
    expect(s.quarantineBySite).toEqual({
      groups: [
        { site: 'REF-01', reason: 'readings[0].ts: not an RFC 3339 time', count: QUARANTINED / 2 },
        { site: 'WELL-01', reason: 'readings[0].ts: not an RFC 3339 time', count: QUARANTINED / 2 },
      ],
      other: 0,
    });
  });
});
