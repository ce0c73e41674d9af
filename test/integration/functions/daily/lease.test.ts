// One daily run at a time: the lease object in the raw bucket, on the Storage emulator through
// the official client. A second run is refused with who holds the lease and since when, or waits
// for it; a lease whose holder died expires and is taken over; the holder renews it while it works.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envForTarget } from '../../../../functions/adapters/clients.ts';
import { repoRoot } from '../../../../local/repo-root.ts';
import { createLogger } from '../../../../functions/adapters/log.ts';
import { OBJECTS } from '../../../../functions/core/resources.ts';
import { acquireLease, LeaseHeldError, readLease, withLease } from '../../../../functions/daily/lease.ts';
import { waitFor } from '../support.ts';
import { createTestLake, type TestLake } from './lake.ts';

describe('daily lease', () => {
  let lake: TestLake;
  const logs: string[] = [];
  const log = createLogger({ function: 'daily' }, (line) => logs.push(line));
  beforeAll(async () => {
    lake = await createTestLake('lease');
  });
  afterAll(async () => {
    await lake?.stop();
  });

  it('refuses a second run, naming the holder and since when, until the first releases', async () => {
    const first = await acquireLease(lake.raw, { runId: 'run-1', holder: 'scheduled daily', log });
    const stored = await readLease(lake.raw);
    expect(stored).toMatchObject({ runId: 'run-1', holder: 'scheduled daily', since: first.record.since });
    const err = await acquireLease(lake.raw, { runId: 'run-2', holder: 'cli backfill by ops@host', log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeaseHeldError);
    expect((err as Error).message).toContain(`scheduled daily (run run-1) since ${first.record.since}`);
    expect((err as Error).message).toMatch(/wait for it to finish \(the CLI waits with --wait MINUTES\)/);
    expect(logs.some((l) => l.includes('"daily.lease-held"') && l.includes('"refused"'))).toBe(true);
    await first.release();
    expect(await readLease(lake.raw)).toBeUndefined();
    const second = await acquireLease(lake.raw, { runId: 'run-2', holder: 'cli backfill', log });
    expect((await readLease(lake.raw))?.runId).toBe('run-2');
    await second.release();
  });

  it('a waiting run starts as soon as the holder releases', async () => {
    const first = await acquireLease(lake.raw, { runId: 'run-a', holder: 'cli backfill', log });
    setTimeout(() => void first.release(), 300);
    const order: string[] = [];
    await withLease(lake.raw, { runId: 'run-b', holder: 'scheduled daily', waitMs: 20_000, pollMs: 100, log }, async () => {
      order.push(first.held() ? 'overlap' : 'after-release');
      expect((await readLease(lake.raw))?.runId).toBe('run-b');
    });
    expect(order).toEqual(['after-release']);
    expect(await readLease(lake.raw)).toBeUndefined();
  });

  it('two runs racing for a free lease: exactly one gets it', async () => {
    const results = await Promise.allSettled(['r1', 'r2', 'r3'].map((runId) => acquireLease(lake.raw, { runId, holder: runId, log })));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof LeaseHeldError)).toHaveLength(2);
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLease>>>).value.release();
  });

  it('takes over a lease whose holder died (expired), and says so', async () => {
    await lake.raw
      .file(OBJECTS.dailyLease)
      .save(JSON.stringify({ runId: 'dead-run', holder: 'scheduled daily', since: '2024-01-01T00:00:00.000Z', expiresAt: '2024-01-01T00:10:00.000Z' }), {
        resumable: false,
        preconditionOpts: { ifGenerationMatch: 0 },
      });
    const lease = await acquireLease(lake.raw, { runId: 'new-run', holder: 'scheduled daily', log });
    expect((await readLease(lake.raw))?.runId).toBe('new-run');
    expect(logs.some((l) => l.includes('"taken-over"') && l.includes('dead-run'))).toBe(true);
    await lease.release();
  });

  it('the holder renews its lease while it works, and notices when it was taken over', async () => {
    const lease = await acquireLease(lake.raw, { runId: 'long-run', holder: 'cli backfill', ttlMs: 3_000, log });
    const firstExpiry = (await readLease(lake.raw))!.expiresAt;
    // Renewed every second; on a loaded machine the first renewal may take longer to land.
    const renewed = await waitFor('the first renewal', async () => {
      const now = await readLease(lake.raw);
      return now !== undefined && Date.parse(now.expiresAt) > Date.parse(firstExpiry) && now;
    });
    expect(renewed.runId).toBe('long-run');
    expect(renewed.since).toBe(lease.record.since);
    expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(firstExpiry));
    expect(lease.held()).toBe(true);
    // Another run took it over (as if this one had been presumed dead): the next renewal sees it.
    await lake.raw.file(OBJECTS.dailyLease).save(JSON.stringify({ ...renewed, runId: 'usurper' }), { resumable: false });
    await waitFor('the next renewal to see the takeover', async () => !lease.held());
    expect(logs.some((l) => l.includes('"lost"') && l.includes('long-run'))).toBe(true);
    await lease.release();
    // Releasing a lost lease leaves the other run's lease alone.
    expect((await readLease(lake.raw))?.runId).toBe('usurper');
    await lake.raw.file(OBJECTS.dailyLease).delete();
  });

  it('the CLI back-fill says who holds the lease and exits 1, or waits for it with --wait', async () => {
    let live = ''; // the running CLI's stderr so far
    const cli = (args: string[]) =>
      new Promise<{ code: number; out: string; err: string }>((resolve) => {
        live = '';
        const flags = ['--raw-bucket', lake.settings.rawBucket, '--config-bucket', lake.settings.configBucket, '--dataset', lake.dataset];
        const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...envForTarget(lake.target) };
        const child = execFile(
          process.execPath,
          [join(repoRoot, 'cli', 'plantlake.ts'), args[0]!, ...flags, ...args.slice(1)],
          { env, encoding: 'utf8', timeout: 120_000 },
          (err, out, errOut) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out, err: errOut }),
        );
        child.stderr?.on('data', (chunk: string) => void (live += chunk));
      });
    const held = await acquireLease(lake.raw, { runId: 'sched-1', holder: 'scheduled daily', log });
    const refused = await cli(['backfill', '--from', '2024-05-01', '--to', '2024-05-02']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(
      `plantlake: another daily run holds the lease gs://…/${OBJECTS.dailyLease}: scheduled daily (run sched-1) since ${held.record.since}`,
    );
    const waiting = cli(['backfill', '--from', '2024-05-01', '--to', '2024-05-02', '--wait', '1']);
    // Released only once the CLI is up and waiting (a fixed pause could end before a slow start).
    await waitFor('the CLI to wait for the lease', async () => live.includes('waiting up to 1 min for the daily lease'), 60_000);
    await held.release();
    const ran = await waiting;
    expect(ran.code, ran.err).toBe(0);
    expect(ran.err).toContain('waiting up to 1 min for the daily lease');
    expect(await readLease(lake.raw)).toBeUndefined();
  });
});
