// Creates plantlake's resources on the emulators from the same definitions the Pulumi program
// uses (functions/core/resources.ts, schemas/bigquery, sql/views): topics, subscriptions with
// their dead-letter and retry policies, buckets, the dataset, tables and views. Idempotent, so
// `npm start` can run it against a stack that already has them. Tests pass a suffix to get a
// pipeline of their own on the shared emulators.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clients } from '../functions/adapters/clients.ts';
import { TABLE_FIELDS, tableMetadata } from '../functions/adapters/bigquery-tables.ts';
import { DATASET, DEAD_LETTER_SUBSCRIPTIONS, MESSAGE_RETENTION_SECONDS, SUBSCRIPTIONS, TABLES, TOPICS, bucketNames } from '../functions/core/resources.ts';
import { ENV } from '../functions/core/function-env.ts';
import { repoRoot } from './repo-root.ts';

export interface PipelineNames {
  topics: { [K in keyof typeof TOPICS]: string };
  subscriptions: { [K in keyof typeof SUBSCRIPTIONS]: string };
  deadLetterSubscriptions: { [K in keyof typeof DEAD_LETTER_SUBSCRIPTIONS]: string };
  buckets: ReturnType<typeof bucketNames>;
  dataset: string;
}

/** Resource names of one pipeline; a suffix keeps test pipelines apart on one emulator stack. */
export function pipelineNames(options: { bucketPrefix?: string; suffix?: string } = {}): PipelineNames {
  const s = options.suffix ? `-${options.suffix}` : '';
  const map = <T extends Record<string, { name: string }>>(o: T) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, `${v.name}${s}`])) as { [K in keyof T]: string };
  return {
    topics: Object.fromEntries(Object.entries(TOPICS).map(([k, v]) => [k, `${v}${s}`])) as PipelineNames['topics'],
    subscriptions: map(SUBSCRIPTIONS),
    deadLetterSubscriptions: map(DEAD_LETTER_SUBSCRIPTIONS),
    buckets: bucketNames(`${options.bucketPrefix ?? 'plantlake-local'}${s}`),
    dataset: `${DATASET}${s.replaceAll('-', '_')}`,
  };
}

/** The functions' environment variables (function-env.ts) that point at one pipeline's resources. */
export function pipelineEnv(names: PipelineNames): Record<string, string> {
  return {
    [ENV.rawBucket]: names.buckets.raw,
    [ENV.configBucket]: names.buckets.config,
    [ENV.alertsTopic]: names.topics.alerts,
    [ENV.dataset]: names.dataset,
  };
}

function isAlreadyExists(err: unknown): boolean {
  const code = (err as { code?: number } | null)?.code;
  return code === 6 /* gRPC ALREADY_EXISTS */ || code === 409;
}

async function ignoreExists(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

/** Views from sql/views/*.sql, with `${project}` and `${dataset}` replaced. */
export function viewDefinitions(projectId: string, dataset: string): { name: string; query: string }[] {
  const dir = join(repoRoot, 'sql', 'views');
  if (!existsSync(dir)) return [];
  const views = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.sql$/, ''),
      query: readFileSync(join(dir, f), 'utf8').replaceAll('${project}', projectId).replaceAll('${dataset}', dataset),
    }));
  return dependenciesFirst(views, `${projectId}.${dataset}.`);
}

/** A view that reads another view is created after it (the emulator checks references, as BigQuery does). */
function dependenciesFirst<V extends { name: string; query: string }>(views: V[], prefix: string): V[] {
  const ordered: V[] = [];
  const placed = new Set<string>();
  const visit = (v: V, depth: number): void => {
    if (placed.has(v.name) || depth > views.length) return;
    for (const d of views) if (d !== v && v.query.includes(`${prefix}${d.name}\``)) visit(d, depth + 1);
    placed.add(v.name);
    ordered.push(v);
  };
  for (const v of views) visit(v, 0);
  return ordered;
}

export async function provision(clients: Clients, names: PipelineNames): Promise<void> {
  const { pubsub, storage, bigquery } = clients;
  const projectId = clients.target.projectId ?? (await pubsub.getClientConfig()).projectId;
  if (!projectId) throw new Error('No Google Cloud project: set PLANTLAKE_PROJECT_ID (or GOOGLE_CLOUD_PROJECT).');

  await Promise.all(
    Object.values(names.topics).map((t) =>
      ignoreExists(() => pubsub.createTopic({ name: t, messageRetentionDuration: { seconds: MESSAGE_RETENTION_SECONDS } })),
    ),
  );
  const topicPath = (t: string) => `projects/${projectId}/topics/${t}`;
  for (const [key, spec] of Object.entries(SUBSCRIPTIONS) as [keyof typeof SUBSCRIPTIONS, (typeof SUBSCRIPTIONS)[keyof typeof SUBSCRIPTIONS]][]) {
    const topicKey = (Object.keys(TOPICS) as (keyof typeof TOPICS)[]).find((k) => TOPICS[k] === spec.topic)!;
    const dlKey = (Object.keys(TOPICS) as (keyof typeof TOPICS)[]).find((k) => TOPICS[k] === spec.deadLetterTopic)!;
    await ignoreExists(() =>
      pubsub.topic(names.topics[topicKey]).createSubscription(names.subscriptions[key], {
        ackDeadlineSeconds: spec.ackDeadlineSeconds,
        enableMessageOrdering: spec.enableMessageOrdering,
        messageRetentionDuration: { seconds: MESSAGE_RETENTION_SECONDS },
        deadLetterPolicy: { deadLetterTopic: topicPath(names.topics[dlKey]), maxDeliveryAttempts: spec.maxDeliveryAttempts },
        retryPolicy: {
          minimumBackoff: { seconds: spec.retryMinimumBackoffSeconds },
          maximumBackoff: { seconds: spec.retryMaximumBackoffSeconds },
        },
      }),
    );
  }
  for (const [key, spec] of Object.entries(DEAD_LETTER_SUBSCRIPTIONS) as [
    keyof typeof DEAD_LETTER_SUBSCRIPTIONS,
    (typeof DEAD_LETTER_SUBSCRIPTIONS)[keyof typeof DEAD_LETTER_SUBSCRIPTIONS],
  ][]) {
    const topicKey = (Object.keys(TOPICS) as (keyof typeof TOPICS)[]).find((k) => TOPICS[k] === spec.topic)!;
    await ignoreExists(() => pubsub.topic(names.topics[topicKey]).createSubscription(names.deadLetterSubscriptions[key]));
  }

  await ignoreExists(() =>
    storage.createBucket(names.buckets.raw, { iamConfiguration: { uniformBucketLevelAccess: { enabled: true }, publicAccessPrevention: 'enforced' } }),
  );
  await ignoreExists(() => storage.createBucket(names.buckets.config, { versioning: { enabled: true } }));

  // bigquery-emulator answers a duplicate dataset with 500 (not 409), which the client retries
  // for seconds: ask first instead.
  const dataset = bigquery.dataset(names.dataset);
  if (!(await dataset.exists())[0]) await bigquery.createDataset(names.dataset);
  for (const [key, spec] of Object.entries(TABLES) as [keyof typeof TABLES, (typeof TABLES)[keyof typeof TABLES]][]) {
    if (!(await dataset.table(spec.name).exists())[0]) await dataset.createTable(spec.name, tableMetadata(spec, TABLE_FIELDS[key]));
  }
  for (const view of viewDefinitions(projectId, names.dataset)) {
    if (!(await dataset.table(view.name).exists())[0]) {
      await dataset.createTable(view.name, { view: { query: view.query, useLegacySql: false } });
    }
  }
}
