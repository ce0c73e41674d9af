// provision() creates a whole pipeline's resources on the emulators, and a second run changes nothing.
import { describe, expect, it } from 'vitest';
import { SUBSCRIPTIONS, TABLES } from '../../../functions/core/resources.ts';
import { pipelineNames, provision } from '../../../local/provision.ts';
import { clients, uniqueName } from '../../harness/emulators.ts';

describe('provision', () => {
  it('creates topics, subscriptions with dead-letter policy, buckets and tables, idempotently', async () => {
    const c = clients();
    const names = pipelineNames({ suffix: uniqueName('p') });
    await provision(c, names);
    await provision(c, names);

    const [land] = await c.pubsub.subscription(names.subscriptions.land).getMetadata();
    expect(land.deadLetterPolicy?.deadLetterTopic).toMatch(new RegExp(`/topics/${names.topics.readingsDeadLetter}$`));
    expect(land.deadLetterPolicy?.maxDeliveryAttempts).toBe(SUBSCRIPTIONS.land.maxDeliveryAttempts);
    const [notify] = await c.pubsub.subscription(names.subscriptions.notify).getMetadata();
    expect(notify.enableMessageOrdering).toBe(true);

    const [raw] = await c.storage.bucket(names.buckets.raw).exists();
    expect(raw).toBe(true);
    const [tables] = await c.bigquery.dataset(names.dataset).getTables();
    expect(tables.map((t) => t.id).sort()).toEqual(
      expect.arrayContaining(
        Object.values(TABLES)
          .map((t) => t.name)
          .sort(),
      ),
    );
  });
});
