// The daily function's HTTP wiring, as Cloud Scheduler calls it: a POST with body {} (Scheduler
// adds its OIDC token, which Cloud Run checks before the function runs), served by the Functions
// Framework's test server, answered with the JSON report; one daily.summary entry is logged.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { envForTarget } from '../../../../functions/adapters/clients.ts';
import { ENV } from '../../../../functions/core/function-env.ts';
import { createLogger } from '../../../../functions/adapters/log.ts';
import { acquireLease, readLease } from '../../../../functions/daily/lease.ts';
import { createTestLake, dayRows, expectedRows, publish, rowKeys, series, type TestLake } from './lake.ts';
import type { ReadingRow } from '../../../../schemas/rows.ts';

describe('daily function over HTTP', () => {
  let lake: TestLake;
  let server: Server;
  let url: string;
  const published: ReadingRow[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    lake = await createTestLake('http');
    for (const b of series('A', '2024-06-01T00:00:00Z', 60, { perBatch: 30 })) published.push(...(await publish(lake.raw, b)));
    Object.assign(process.env, envForTarget(lake.target), {
      [ENV.rawBucket]: lake.settings.rawBucket,
      [ENV.configBucket]: lake.settings.configBucket,
      [ENV.dataset]: lake.dataset,
    });
    await import('../../../../functions/daily/index.ts');
    server = getTestServer('daily');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    process.env = saved;
    await lake?.stop();
  });

  it('answers a Scheduler POST with the JSON report and logs one daily.summary entry', async () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'Google-Cloud-Scheduler', Authorization: 'Bearer <oidc token checked by Cloud Run>' },
        body: '{}',
      });
    } finally {
      write.mockRestore();
    }
    expect(res.status).toBe(200);
    const report = (await res.json()) as { status: string; days: { day: string; rowsKept: number }[]; lifecycle?: { movedToColdline: number } };
    expect(report.status).toBe('succeeded');
    expect(report.days.map((d) => [d.day, d.rowsKept])).toEqual([['2024-06-01', 60]]);
    // The day is long past the Coldline age (30 days by default) and now loaded: it moved.
    expect(report.lifecycle?.movedToColdline).toBe(1);
    expect(await dayRows(lake, '2024-06-01')).toEqual(rowKeys(expectedRows(published)));

    const summaries = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('"daily.summary"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ severity: 'INFO', event: 'daily.summary', status: 'succeeded', days: ['2024-06-01'], rows: 60 });
  });

  it('refuses other methods and malformed bodies with a message', async () => {
    const get = await fetch(url);
    expect(get.status).toBe(405);
    const bad = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"from":"yesterday"}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/from must be a day YYYY-MM-DD/);
  });

  it('answers 409 naming the holder while another run holds the lease, and runs once it is free', async () => {
    const held = await acquireLease(lake.raw, { runId: 'cli-run-1', holder: 'cli backfill by ops@host', log: createLogger({ function: 'test' }, () => {}) });
    const post = () => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const refused = await post();
      expect(refused.status).toBe(409);
      const body = (await refused.json()) as { status: string; error: string; lease: { runId: string } };
      expect(body.status).toBe('held');
      expect(body.lease.runId).toBe('cli-run-1');
      expect(body.error).toContain(`cli backfill by ops@host (run cli-run-1) since ${held.record.since}`);
      await held.release();
      const ran = await post();
      expect(ran.status).toBe(200);
    } finally {
      write.mockRestore();
    }
    // The run released its lease when done.
    expect(await readLease(lake.raw)).toBeUndefined();
  });
});
