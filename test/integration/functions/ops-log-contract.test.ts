// The log entries the operations alerts count (infra/components/ops-alerts.ts), written by the
// real functions on the emulators: each alert's log filter and label extractor must match what
// the function actually logs, or the alert never fires. The filters are read from the specs the
// Pulumi program declares, and checked against the entries here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../functions/adapters/log.ts';
import { createDetect } from '../../../functions/detect/detect.ts';
import { createLand } from '../../../functions/land/land.ts';
import { createNotify } from '../../../functions/notify/notify.ts';
import { opsAlertSpecs } from '../../../infra/components/ops-alerts.ts';
import { json, logCapture, messagePublished, testPipeline, type TestPipeline } from './support.ts';

/** Whether a log entry's jsonPayload matches the spec's `jsonPayload.k="v"` / `=( "a" OR "b" )` terms. */
function matches(match: string, payload: Record<string, unknown>): boolean {
  const terms = [...match.matchAll(/jsonPayload\.(\w+)=(?:"([^"]+)"|\(([^)]+)\))/g)];
  expect(terms.length).toBeGreaterThan(0);
  return terms.every(([, key, one, many]) => {
    const allowed = one !== undefined ? [one] : [...many!.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    return allowed.includes(String(payload[key!]));
  });
}

describe('the functions log what the operations alerts count', () => {
  let p: TestPipeline;
  let hook: Server;
  let hookUrl: string;
  const logs = logCapture();
  const specs = Object.fromEntries(opsAlertSpecs({ dailyService: 'daily', quarantinePerSiteHourly: 10 }).map((s) => [s.name, s]));
  beforeAll(async () => {
    p = await testPipeline('ops-log');
    hook = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(503).end('down'));
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((r) => hook.close(() => r())));

  it('land: a quarantined message of a site, with the site label', async () => {
    const land = createLand({ storage: p.clients.storage, rawBucket: p.names.buckets.raw, log: createLogger({ function: 'land' }, logs.sink) });
    await land(messagePublished(Buffer.from('{"not":"a batch"}'), { messageId: 'ops-q-1', attributes: { site: 'REF-01' } }));
    const spec = specs['quarantine-volume']!;
    expect(spec.service).toBe('land');
    const entry = logs.lines.find((l) => l.messageId === 'ops-q-1')!;
    expect(matches(spec.match, entry)).toBe(true);
    expect(spec.label.extractor).toBe('EXTRACT(jsonPayload.site)');
    expect(entry.site).toBe('REF-01');
  });

  it('detect: a batch without usable rules (retried), and an invalid one (acked)', async () => {
    const detect = createDetect({
      storage: p.clients.storage,
      pubsub: p.clients.pubsub,
      rawBucket: p.names.buckets.raw,
      configBucket: p.names.buckets.config,
      alertsTopic: p.names.topics.alerts,
      log: createLogger({ function: 'detect' }, logs.sink),
      rulesCheckEveryMs: 0,
    });
    const batch = {
      batchId: 'ops-1',
      site: 'REF-01',
      source: 'test',
      sentAt: new Date().toISOString(),
      readings: [{ tag: '10LAB10CP001', ts: new Date(Date.now() - 1000).toISOString(), value: 1, quality: 'good' }],
    };
    // Without any rules detect logs the batch and throws, so Pub/Sub retries it (never acked unevaluated).
    await expect(detect(messagePublished(json(batch), { messageId: 'ops-d-1' }))).rejects.toThrow(/no usable alarm rules/);
    await detect(messagePublished(Buffer.from('nope'), { messageId: 'ops-d-2' }));
    const spec = specs['detect-skipped']!;
    const outcomes = logs.lines
      .filter((l) => l.messageId === 'ops-d-1' || l.messageId === 'ops-d-2')
      .filter((l) => matches(spec.match, l))
      .map((l) => l.outcome);
    expect(outcomes.sort()).toEqual(['no-rules', 'skipped-invalid']);
  });

  it('notify: a webhook that stays down', async () => {
    const notify = createNotify({
      storage: p.clients.storage,
      settings: {
        rawBucket: p.names.buckets.raw,
        configBucket: p.names.buckets.config,
        webhookUrl: hookUrl,
        webhookFormat: 'slack',
        alarmEmails: [],
        notifyThrottleSeconds: 0,
        environment: 'test',
      },
      log: createLogger({ function: 'notify' }, logs.sink),
      catalogCheckEveryMs: 60_000,
      webhookRetry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10, timeoutMs: 2_000, totalMs: 5_000 },
    });
    const event = {
      eventId: 'ab'.repeat(16),
      site: 'REF-01',
      tag: '10LAB10CP001',
      condition: 'HH',
      transition: 'active',
      value: 9,
      limit: 5,
      priority: 'high',
      readingTs: new Date(Date.now() - 1000).toISOString(),
      detectedAt: new Date().toISOString(),
      rulesVersion: 'v1',
    };
    await expect(notify(messagePublished(json(event), { messageId: 'ops-n-1' }))).rejects.toThrow(/did not take the notification/);
    const spec = specs['notify-webhook-failing']!;
    expect(logs.lines.filter((l) => l.messageId === 'ops-n-1' && matches(spec.match, l)).map((l) => l.event)).toEqual(['notify.webhook-failed']);
  });
});
