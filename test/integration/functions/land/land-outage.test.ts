// A Cloud Storage outage while batches arrive loses nothing: land fails (throws), the delivery
// nacks after the subscription's backoff, Pub/Sub redelivers, and after recovery every batch lands
// exactly once; nothing reaches the dead-letter topic. On a stack of its own, so the outage cannot
// disturb the test files running beside it.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Message } from '@google-cloud/pubsub';
import { createClients } from '../../../../functions/adapters/clients.ts';
import { setServiceState, startEmulators, type EmulatorStack } from '../../../../local/emulators/stack.ts';
import { startLocalFunctions, type LocalFunctions } from '../../../../local/functions/pipeline.ts';
import { ago, batch, json, logCapture, objectNames, readGzipNdjson, testPipeline, waitFor, type TestPipeline } from '../support.ts';

describe('land through a storage outage', () => {
  let stack: EmulatorStack;
  let p: TestPipeline;
  let fns: LocalFunctions;
  const logs = logCapture();
  /** The delivery bridge's lines: it logs each failed delivery after counting it. */
  const bridge: string[] = [];

  beforeAll(async () => {
    stack = await startEmulators();
    const e = stack.endpoints;
    const clients = createClients({ kind: 'emulators', projectId: stack.projectId, pubsub: e.pubsub, storage: e.storage, bigquery: e.bigquery });
    // Redelivery after 200 ms, 400 ms, … up to 1 s: ten attempts span about 7 s.
    p = await testPipeline('outage', { clients, retryBackoffMs: [200, 1000] });
    // Room for every message at once, so each meets the outage within its first attempts.
    fns = await startLocalFunctions({
      clients,
      names: p.names,
      functions: ['land'],
      logSink: logs.sink,
      delivery: { log: (line) => void bridge.push(line), concurrency: 16 },
    });
    // The Functions Framework prints each thrown error's stack (Cloud Logging picks it up in
    // production); here the structured log lines are what the test reads.
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await fns?.stop();
    await stack?.stop();
  });

  it('lands every batch once after storage comes back', async () => {
    const topic = p.clients.pubsub.topic(p.names.topics.readings);
    const count = 12;
    await setServiceState(stack.endpoints, 'storage', 'down');
    const ids = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        topic.publishMessage({ data: json(batch(`outage-${i}`, 'REF-O', [{ tag: '10LAB10CP001', ts: ago(5), value: i, quality: 'good' }])) }),
      ),
    );
    // Every message fails at least once while storage refuses connections.
    const retries = await waitFor(
      'a failed delivery of every message',
      async () => {
        const r = logs.where('outcome', 'retry');
        return new Set(r.map((l) => l.messageId)).size >= count ? r : undefined;
      },
      15_000,
    );
    // land logs the retry before it answers HTTP 500; the bridge counts the failure only when
    // that answer arrives, so the count is waited for rather than read at once.
    await waitFor('the delivery bridge to count a failed delivery of every message', async () =>
      ids.every((id) => bridge.some((l) => l.startsWith(`delivery of message ${id} from `) && l.includes(' failed (attempt '))),
    );
    expect(fns.deliveries.land!.stats.failed).toBeGreaterThanOrEqual(count);
    expect(retries[0]).toMatchObject({ severity: 'ERROR', event: 'land.batch' });
    expect(retries[0]!.message).toMatch(/land could not write the raw object .*Pub\/Sub will deliver it again/);

    await setServiceState(stack.endpoints, 'storage', 'up');
    const names = await waitFor(
      `${count} raw objects`,
      async () => {
        const n = await objectNames(p.raw, 'readings/');
        return n.length >= count ? n : undefined;
      },
      20_000,
    );
    expect(names).toHaveLength(count);
    const values = (await Promise.all(names.map((n) => readGzipNdjson<{ value: number }>(p.raw, n)))).flat().map((r) => r.value);
    expect(values.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));

    // Each message was finally acked once, with one "landed" line per batch.
    await waitFor('every message acked', async () => fns.deliveries.land!.stats.delivered >= count);
    const landed = logs.where('outcome', 'landed');
    expect(landed.map((l) => l.messageId).sort()).toEqual([...ids].sort());
    expect(logs.where('outcome', 'already-landed')).toEqual([]);

    // Nothing was dead-lettered.
    const dead: Message[] = [];
    const hold = p.clients.pubsub.subscription(p.names.deadLetterSubscriptions.readings);
    hold.on('message', (m: Message) => dead.push(m));
    await new Promise((r) => setTimeout(r, 500));
    await hold.close();
    expect(dead).toEqual([]);
  });
});
