// The operator commands against the emulators, run as a person runs them (node cli/plantlake.ts
// with the emulator variables set): publish, rules validate|push, tags import, query, status.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '@google-cloud/pubsub';
import { beforeAll, describe, expect, it } from 'vitest';
import { envForTarget } from '../../../functions/adapters/clients.ts';
import { ENV } from '../../../functions/core/function-env.ts';
import { OBJECTS, parseBatch } from '../../../functions/core/index.ts';
import { pipelineNames, provision, type PipelineNames } from '../../../local/provision.ts';
import { clients, emulatorTarget, uniqueName } from '../../harness/emulators.ts';
import { repoRoot } from '../../../local/repo-root.ts';
import { runCli } from '../../harness/cli.ts';

let names: PipelineNames;
let env: Record<string, string>;

const plantlake = (args: string[]) => runCli(args, { ...process.env, ...env }, { timeoutMs: 60_000 });

const dir = mkdtempSync(join(tmpdir(), 'plantlake-cli-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('plantlake operator commands on the emulators', () => {
  beforeAll(async () => {
    names = pipelineNames({ suffix: uniqueName('cli') });
    await provision(clients(), names);
    env = {
      ...envForTarget(emulatorTarget()),
      [ENV.rawBucket]: names.buckets.raw,
      [ENV.configBucket]: names.buckets.config,
      [ENV.dataset]: names.dataset,
    };
  });

  it('publishes a CSV file in batches per site; the same file again publishes the same batch ids', async () => {
    const csv = file(
      'readings.csv',
      'site,tag,ts,value,quality,unit\n' +
        Array.from({ length: 5 }, (_, i) => `REF-01,10EGB10CL001,2026-11-20T00:00:${String(i * 10).padStart(2, '0')}Z,${60 + i},good,%`).join('\n') +
        '\nWELL-01,20XAB10CP001,2026-11-20T00:00:00Z,200,good,bar\n',
    );
    const [sub] = await clients().pubsub.topic(names.topics.readings).createSubscription(uniqueName('tap'));
    for (let i = 0; i < 2; i++) {
      const r = await plantlake(['publish', csv, '--topic', names.topics.readings, '--batch-size', '2']);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('published 6 readings in 4 batches');
    }
    const got: Message[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`got ${got.length} of 8 messages`)), 20_000);
      sub.on('message', (m: Message) => {
        got.push(m);
        m.ack();
        if (got.length === 8) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await sub.close();
    const batches = got.map((m) => parseBatch(m.data, new Date()));
    const ids = batches.map((b) => (b.ok ? b.batch.batchId : b.reason));
    expect(new Set(ids).size).toBe(4);
    expect(got.map((m) => m.attributes.site).sort()).toEqual(['REF-01', 'REF-01', 'REF-01', 'REF-01', 'REF-01', 'REF-01', 'WELL-01', 'WELL-01']);
  });

  it('refuses an invalid rules file with the reason and exit code 1, and pushes a valid one', async () => {
    const bad = await plantlake(['rules', 'validate', file('bad.yaml', 'version: "1"\nrules:\n  - tag: 10LAB10CP001\n    limits: { H: 10, HH: 5 }\n')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/HH/);
    const rules = join(repoRoot, 'config', 'rules.yaml');
    const push = await plantlake(['rules', 'push', rules]);
    expect(push.code, push.err).toBe(0);
    expect(push.out).toMatch(/rules version 2026-11-23\.1: \d+ rule\(s\)/);
    const [stored] = await clients().storage.bucket(names.buckets.config).file(OBJECTS.rules).download();
    expect(stored.toString()).toBe(readFileSync(rules, 'utf8'));
  });

  it('imports the tag catalog', async () => {
    const r = await plantlake(['tags', 'import', join(repoRoot, 'config', 'tags.yaml')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/tag catalog version 2026-11-23\.1: \d+ tag\(s\)/);
    const [exists] = await clients().storage.bucket(names.buckets.config).file(OBJECTS.tagCatalog).exists();
    expect(exists).toBe(true);
  });

  it('queries SQL with ${project}/${dataset} as a table or CSV, and reads a view by name', async () => {
    const sql = 'SELECT 1 AS one, "a,b" AS text FROM UNNEST([1]) UNION ALL SELECT 2, "c" FROM UNNEST([1]) ORDER BY one';
    const csv = await plantlake(['query', sql, '--format', 'csv']);
    expect(csv.code, csv.err).toBe(0);
    expect(csv.out.trim()).toBe('one,text\n1,"a,b"\n2,c');
    const view = await plantlake(['query', 'alarm_intervals']);
    expect(view.code, view.err).toBe(0);
    expect(view.out.trim()).toBe('(no rows)');
  });

  it('reports status: dead letters (peeked, not consumed), quarantine, raw zone, last loads', async () => {
    const dl = clients().pubsub.topic(names.topics.readingsDeadLetter);
    await dl.publishMessage({ data: Buffer.from('poison') });
    await clients().storage.bucket(names.buckets.raw).file('quarantine/dt=2026-11-20/x.json').save('{}', { resumable: false });
    const dead = ['--dead-letter', names.deadLetterSubscriptions.readings, names.deadLetterSubscriptions.alerts];
    const once = await plantlake(['status', '--json', ...dead]);
    expect(once.code, once.err).toBe(0);
    const status = JSON.parse(once.out) as { deadLetters: { subscription: string; waiting: number }[]; quarantined: number };
    expect(status.deadLetters.map((d) => d.waiting)).toEqual([1, 0]);
    expect(status.quarantined).toBe(1);
    // Peeking released the message: it is still there.
    const again = JSON.parse((await plantlake(['status', '--json', ...dead])).out) as typeof status;
    expect(again.deadLetters[0]!.waiting).toBe(1);
  });
});
