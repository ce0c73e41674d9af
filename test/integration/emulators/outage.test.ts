// The outage switch: one service goes down (connections refused) and comes back on the same
// address with its data, while the others keep serving. Runs on a stack of its own so the outage
// cannot disturb test files running beside it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, type Clients } from '../../../functions/adapters/clients.ts';
import { setServiceState, startEmulators, type EmulatorStack } from '../../../local/emulators/stack.ts';
import { uniqueName } from '../../harness/emulators.ts';

describe('emulator outage switch', () => {
  let stack: EmulatorStack;
  let c: Clients;
  beforeAll(async () => {
    stack = await startEmulators();
    const e = stack.endpoints;
    c = createClients({ kind: 'emulators', projectId: stack.projectId, pubsub: e.pubsub, storage: e.storage, bigquery: e.bigquery });
  });
  afterAll(() => stack?.stop());

  it('takes Cloud Storage down and back up on the same address, keeping its objects', async () => {
    const [bucket] = await c.storage.createBucket(uniqueName('raw'));
    await bucket.file('a.txt').save('kept', { resumable: false });

    await setServiceState(stack.endpoints, 'storage', 'down');
    const res = await fetch(`${stack.endpoints.control}/health`);
    expect(((await res.json()) as { services: Record<string, string> }).services).toEqual({
      pubsub: 'up',
      storage: 'down',
      bigquery: 'up',
    });
    // Straight HTTP, so the client library's own retries do not hide the refusal.
    const refused = await fetch(`${stack.endpoints.storage}/storage/v1/b/${bucket.name}/o`).then(
      () => 'answered',
      (e: { cause?: { code?: string } }) => e.cause?.code,
    );
    expect(refused).toBe('ECONNREFUSED');
    // The other services still answer meanwhile.
    const [topic] = await c.pubsub.createTopic(uniqueName('t'));
    expect(topic.name).toContain('/topics/');

    await setServiceState(stack.endpoints, 'storage', 'up');
    const [content] = await bucket.file('a.txt').download();
    expect(content.toString()).toBe('kept');
  });
});
