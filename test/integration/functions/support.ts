// Shared by the function tests: a pipeline of their own on the shared emulator stack, readable
// batches, log capture, and polling for eventually-visible results (objects, webhook calls).
import type { Bucket } from '@google-cloud/storage';
import type { Clients } from '../../../functions/adapters/clients.ts';
import { createLogger } from '../../../functions/adapters/log.ts';
import { readGzipNdjson } from '../../../functions/adapters/raw-objects.ts';
import { createDetect, type DetectHandler, type DetectOptions } from '../../../functions/detect/detect.ts';
import { pipelineNames, provision, type PipelineNames } from '../../../local/provision.ts';
import { clients as sharedClients, uniqueName } from '../../harness/emulators.ts';
import messagePublishedExample from '../../fixtures/cloudevents/structured/pubsub/MessagePublishedData.json' with { type: 'json' };

export interface TestPipeline {
  readonly clients: Clients;
  readonly names: PipelineNames;
  readonly raw: Bucket;
  readonly config: Bucket;
}

/**
 * Provisions a pipeline with its own topics, subscriptions and buckets. `retryBackoffMs` replaces
 * the production retry policy (10 s to 600 s) of the function subscriptions, so a test sees
 * redeliveries within a second; the delivery bridge reads that policy.
 */
export async function testPipeline(prefix: string, options: { clients?: Clients; retryBackoffMs?: [number, number] } = {}): Promise<TestPipeline> {
  const c = options.clients ?? sharedClients();
  const names = pipelineNames({ suffix: uniqueName(prefix) });
  await provision(c, names);
  const [min, max] = options.retryBackoffMs ?? [200, 1000];
  const duration = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
  await Promise.all(
    Object.values(names.subscriptions).map((s) =>
      c.pubsub.subscription(s).setMetadata({ retryPolicy: { minimumBackoff: duration(min), maximumBackoff: duration(max) } }),
    ),
  );
  return { clients: c, names, raw: c.storage.bucket(names.buckets.raw), config: c.storage.bucket(names.buckets.config) };
}

/**
 * A detect instance on the test pipeline's buckets and topics, its log lines into `sink`. Rules
 * are re-read on every batch unless `rulesCheckEveryMs` says otherwise.
 */
export function detectOn(
  p: TestPipeline,
  sink: (line: string) => void,
  options: Partial<Pick<DetectOptions, 'rulesCheckEveryMs' | 'stateShards'>> = {},
): DetectHandler {
  return createDetect({
    storage: p.clients.storage,
    pubsub: p.clients.pubsub,
    rawBucket: p.names.buckets.raw,
    configBucket: p.names.buckets.config,
    alertsTopic: p.names.topics.alerts,
    log: createLogger({ function: 'detect', environment: 'test' }, sink),
    rulesCheckEveryMs: 0,
    ...options,
  });
}

/** Collects the functions' structured log lines instead of printing them. */
export function logCapture() {
  const lines: Record<string, unknown>[] = [];
  return {
    sink: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
    lines,
    where: (field: string, value: unknown) => lines.filter((l) => l[field] === value),
  };
}

/**
 * Polls `probe` until it gives a value. On a loaded machine (CI runs the whole suite on 2 cores)
 * every hop lags: a function logs before it answers, the delivery bridge counts after the answer,
 * a watching subscription gets an alert apart from the function's. So wait for the very entry of
 * the event under test (not the last one, which may be another's), and assert what, never how soon.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function objectNames(bucket: Bucket, prefix: string): Promise<string[]> {
  const [files] = await bucket.getFiles({ prefix });
  return files.map((f) => f.name).sort();
}

/** Waits until exactly `count` objects exist under `prefix` (and stay so for a moment). */
export async function waitForObjects(bucket: Bucket, prefix: string, count: number, timeoutMs = 20_000): Promise<string[]> {
  return waitFor(
    `${count} object(s) under ${prefix}`,
    async () => {
      const names = await objectNames(bucket, prefix);
      return names.length >= count ? names : undefined;
    },
    timeoutMs,
  );
}

export { readGzipNdjson };

export interface Reading {
  tag: string;
  ts: string;
  value: number | null;
  quality: 'good' | 'uncertain' | 'bad';
  unit?: string;
}

export function batch(batchId: string, site: string, readings: Reading[]) {
  return { batchId, site, source: 'test-gateway', sentAt: readings.at(-1)?.ts ?? new Date().toISOString(), readings };
}

export const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** A time `minutesAgo` before now, as RFC 3339 (recent enough never to be a clock fault). */
export function ago(minutes: number, base = Date.now()): string {
  return new Date(base - minutes * 60_000).toISOString();
}

/**
 * A `google.cloud.pubsub.topic.v1.messagePublished` CloudEvent carrying `data`, shaped exactly
 * like the google-cloudevents example (test/fixtures/cloudevents), as Eventarc delivers it.
 */
export function messagePublished(data: Buffer, options: { messageId: string; attributes?: Record<string, string>; topic?: string }) {
  const event = structuredClone(messagePublishedExample) as typeof messagePublishedExample;
  event.id = options.messageId;
  event.time = new Date().toISOString();
  if (options.topic) event.source = `//pubsub.googleapis.com/projects/test-project/topics/${options.topic}`;
  event.data.message.data = data.toString('base64');
  event.data.message.messageId = options.messageId;
  event.data.message.publishTime = event.time;
  event.data.message.attributes = (options.attributes ?? {}) as typeof event.data.message.attributes;
  return event;
}
