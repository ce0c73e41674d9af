// Stack config checks: every bad or missing value fails with a message naming the key and the
// command that fixes it; Pulumi.yaml declares exactly the keys the program reads.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../infra/config-readers.ts';
import { loadConfig, type PlantlakeConfig } from '../../infra/config.ts';
import { SETTINGS } from '../../functions/core/function-env.ts';
import { declaredConfig, stackConfig, TEST_WEBHOOK } from './harness.ts';

function load(stack: 'dev' | 'prod', changes: Record<string, string | undefined> = {}): PlantlakeConfig {
  const values: Record<string, string | undefined> = { ...stackConfig(stack), 'plantlake:chatWebhookUrl': TEST_WEBHOOK, ...changes };
  return loadConfig((k) => values[k], stack);
}

function problems(changes: Record<string, string | undefined>, stack: 'dev' | 'prod' = 'dev'): readonly string[] {
  try {
    load(stack, changes);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

describe('stack files load', () => {
  test.each(['dev', 'prod'] as const)('%s', (stack) => {
    const c = load(stack);
    expect(c.project).toBe(`my-plantlake-${stack}`);
    expect(c.functions.daily).toEqual({ memory: '1Gi', timeoutSeconds: 1800, maxInstances: 1 });
    expect(c.protect).toBe(stack === 'prod');
  });
});

describe('bad values name the key and the fix', () => {
  test('a number that is not a number', () => {
    expect(problems({ 'plantlake:coldlineAgeDays': 'abc' })).toEqual([
      'plantlake:coldlineAgeDays must be a whole number of days ≥ 1 (got "abc"); set it with pulumi config set plantlake:coldlineAgeDays 30',
    ]);
    expect(problems({ 'plantlake:coldlineAgeDays': '0' })[0]).toContain('plantlake:coldlineAgeDays must be a whole number of days ≥ 1 (got "0")');
    expect(problems({ 'plantlake:retentionDays': '1.5' })[0]).toContain('plantlake:retentionDays must be');
  });

  test("a daily timeout shorter than the daily job's time budget", () => {
    expect(problems({ 'plantlake:dailyTimeoutSeconds': '900' })).toEqual([
      expect.stringMatching(
        /^plantlake:dailyTimeoutSeconds must be at least 1620 s for daily \(got 900\): it starts no new day after 1500 s .*pulumi config set plantlake:dailyTimeoutSeconds 1800$/,
      ),
    ]);
  });

  test('a missing required key', () => {
    expect(problems({ 'plantlake:project': undefined })).toEqual([
      'plantlake:project is required: the Google Cloud project id to deploy into; set it with pulumi config set plantlake:project my-plantlake-dev',
    ]);
    expect(problems({ 'plantlake:alertEmails': undefined })[0]).toMatch(
      /^plantlake:alertEmails is required: .*pulumi config set --path 'plantlake:alertEmails\[0\]' ops@example.com$/,
    );
  });

  test('a bad item in a list', () => {
    expect(problems({ 'plantlake:alertEmails': '["ops@example.com","not-an-address"]' })).toEqual([
      `plantlake:alertEmails must be a list of e-mail addresses for operations alerts (got "not-an-address"): not an e-mail address; set it with pulumi config set --path 'plantlake:alertEmails[0]' ops@example.com`,
    ]);
    expect(problems({ 'plantlake:readingsPublishers': '["allUsers"]' })[0]).toContain('public members are never allowed');
  });

  test('a secret is checked but never echoed', () => {
    const [p] = problems({ 'plantlake:chatWebhookUrl': 'http://chat.example.com/hook?key=s3cr3t' });
    expect(p).toContain('plantlake:chatWebhookUrl must be');
    expect(p).toContain('(secret value hidden)');
    expect(p).toContain('pulumi config set --secret plantlake:chatWebhookUrl');
    expect(p).not.toContain('s3cr3t');
  });

  test('strings with a shape', () => {
    expect(problems({ 'plantlake:dailyTimeZone': 'Mars/Olympus' })[0]).toContain('plantlake:dailyTimeZone must be an IANA time zone');
    expect(problems({ 'plantlake:dailySchedule': 'every day' })[0]).toContain('plantlake:dailySchedule must be a unix-cron schedule');
    expect(problems({ 'plantlake:bucketPrefix': 'My_Prefix' })[0]).toContain('plantlake:bucketPrefix must be');
    expect(problems({ 'plantlake:bucketPrefix': 'a'.repeat(47) })[0]).toContain('at most 46 characters');
    expect(problems({ 'plantlake:functionMemory': '1 GB' })[0]).toContain('plantlake:functionMemory must be a memory size');
    expect(problems({ 'plantlake:protect': 'yes' })[0]).toContain('plantlake:protect must be true or false (got "yes")');
  });

  test('a function timeout at or above its subscription ack deadline', () => {
    expect(problems({ 'plantlake:detectTimeoutSeconds': '60' })).toEqual([
      "plantlake:detectTimeoutSeconds must be below the readings-detect subscription's ack deadline of 60 s (got 60), " +
        'or Pub/Sub redelivers messages still being processed; set it with pulumi config set plantlake:detectTimeoutSeconds 50',
    ]);
    // The default applies to land, detect and notify; each is reported against the default's key.
    const ps = problems({ 'plantlake:functionTimeoutSeconds': '130' });
    expect(ps).toHaveLength(3);
    for (const p of ps) expect(p).toMatch(/^plantlake:functionTimeoutSeconds must be below the (readings-land|readings-detect|alerts-notify) /);
  });

  test('daily cannot outlast a Cloud Scheduler attempt', () => {
    expect(problems({ 'plantlake:dailyTimeoutSeconds': '3600' })[0]).toMatch(/^plantlake:dailyTimeoutSeconds must be at most 1800 s for daily \(got 3600\)/);
  });

  test('BigQuery location must contain the region', () => {
    expect(problems({ 'plantlake:bigQueryLocation': 'US' })[0]).toMatch(/^plantlake:bigQueryLocation \(US\) must contain plantlake:region \(europe-west1\)/);
  });

  test('all problems are reported at once, in one error naming the stack', () => {
    let message = '';
    try {
      load('prod', { 'plantlake:coldlineAgeDays': 'abc', 'plantlake:analystGroup': undefined, 'plantlake:region': 'Europe' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Stack "prod" config is invalid \(3 problems\):\n {2}- /);
    expect(message).toContain('plantlake:coldlineAgeDays');
    expect(message).toContain('plantlake:analystGroup is required');
    expect(message).toContain('plantlake:region must be a Google Cloud region');
  });
});

describe('Pulumi.yaml', () => {
  test('declares exactly the keys the program reads, with a type each', () => {
    const read = new Set<string>();
    const values: Record<string, string> = { ...stackConfig('dev'), 'plantlake:chatWebhookUrl': TEST_WEBHOOK };
    loadConfig((k) => {
      read.add(k);
      return values[k];
    }, 'dev');
    const declared = declaredConfig();
    expect([...read].sort()).toEqual(
      Object.keys(declared)
        .map((k) => `plantlake:${k}`)
        .sort(),
    );
    for (const [key, decl] of Object.entries(declared)) {
      expect(['string', 'integer', 'boolean', 'array'], key).toContain(decl.type);
      if (decl.default !== undefined) {
        const kind = Array.isArray(decl.default) ? 'array' : typeof decl.default === 'number' ? 'integer' : typeof decl.default;
        expect(kind, `default of ${key}`).toBe(decl.type);
      }
    }
    expect(declared.chatWebhookUrl?.secret).toBe(true);
  });

  test('every default passes the checks on its own', () => {
    const defaults = Object.fromEntries(
      Object.entries(declaredConfig())
        .filter(([, d]) => d.default !== undefined)
        .map(([k, d]) => [`plantlake:${k}`, typeof d.default === 'string' ? d.default : JSON.stringify(d.default)]),
    );
    const required = {
      'plantlake:project': 'some-project-1',
      'plantlake:region': 'us-central1',
      'plantlake:bigQueryLocation': 'US',
      'plantlake:bucketPrefix': 'some-prefix',
      'plantlake:alertEmails': '["a@example.com"]',
      'plantlake:analystGroup': 'g@example.com',
      'plantlake:chatWebhookUrl': TEST_WEBHOOK,
    };
    const values: Record<string, string> = { ...defaults, ...required };
    expect(() => loadConfig((k) => values[k], 'fresh')).not.toThrow();
  });

  test('the keys that feed a function setting default to what the function defaults to (function-env.ts)', () => {
    const declared = declaredConfig();
    const feeds = {
      configCheckSeconds: 'configCheckSeconds',
      notifyThrottleSeconds: 'notifyThrottleSeconds',
      stateShards: 'stateShards',
      coldlineAgeDays: 'coldlineAgeDays',
      chatWebhookFormat: 'webhookFormat',
    } as const;
    for (const [key, setting] of Object.entries(feeds)) expect(String(declared[key]?.default), key).toBe(SETTINGS[setting].default);
  });

  test("the README's Deploy section documents every key", () => {
    const readme = readFileSync('README.md', 'utf8');
    const doc = readme.slice(readme.indexOf('## Deploy'), readme.indexOf('## Querying the history'));
    for (const key of Object.keys(declaredConfig())) expect(doc, key).toContain(`\`${key}\``);
  });

  test('the stack files hold no plain-text secret', () => {
    for (const stack of ['dev', 'prod']) expect(stackConfig(stack)['plantlake:chatWebhookUrl']).toBeUndefined();
  });
});
