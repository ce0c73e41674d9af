// The config table (functions/core/function-env.ts): each reader gets exactly its variables, every
// bad or missing value is named with its problem and fix, all problems come at once, the names are
// declared nowhere else in the functions or the CLI, and README's Settings table is the table's.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allSettings,
  ENV,
  keysOf,
  SETTINGS,
  settingsFor,
  SettingsError,
  type SettingKey,
  type SettingReader,
} from '../../../../functions/core/function-env.ts';
import { settingsMarkdown, withSettingsTable } from '../../../../scripts/settings-readme.ts';

const READERS: readonly SettingReader[] = ['land', 'detect', 'notify', 'daily', 'sweep', 'panel', 'cli'];
const BUCKETS = { PLANTLAKE_RAW_BUCKET: 'r', PLANTLAKE_CONFIG_BUCKET: 'c' };
const PANEL = { ...BUCKETS, PLANTLAKE_PANEL_ACCESS: '{"headOffice":[],"sites":{}}', PLANTLAKE_PANEL_IAP_AUDIENCE: '/projects/1/locations/x/services/p' };

describe('the config table', () => {
  it('declares each variable once, with a description, readers and a parser', () => {
    const names = allSettings().map(([, s]) => s.env);
    expect(new Set(names).size).toBe(names.length);
    for (const [key, s] of allSettings()) {
      expect(s.description.length, key).toBeGreaterThan(10);
      expect(s.readers.length, key).toBeGreaterThan(0);
      // A CLI flag exists exactly where the CLI reads the setting.
      if (s.flag) expect(s.readers, key).toContain('cli');
    }
  });

  it('gives each reader exactly the variables it reads, and nothing else', () => {
    const env = { ...PANEL, PLANTLAKE_WEBHOOK_URL: 'https://hook' };
    for (const reader of READERS) {
      const s = settingsFor(reader, env);
      expect(Object.keys(s).sort(), reader).toEqual([...keysOf(reader)].sort());
    }
    expect(keysOf('land')).not.toContain('configBucket');
    expect(keysOf('land')).not.toContain('alertsTopic');
    expect(keysOf('notify')).toContain('rawBucket'); // its ledger of sent notifications
    expect(keysOf('notify')).toEqual(expect.arrayContaining(['notifyThrottleSeconds', 'configCheckSeconds', 'alarmEmails']));
    expect(keysOf('daily')).not.toContain('webhookFormat');
  });

  it('applies the documented defaults', () => {
    const notify = settingsFor('notify', BUCKETS);
    expect(notify).toMatchObject({
      environment: 'local',
      webhookUrl: undefined,
      webhookFormat: 'google-chat',
      alarmEmails: [],
      notifyThrottleSeconds: 300,
      configCheckSeconds: 10,
    });
    const detect = settingsFor('detect', BUCKETS);
    expect(detect).toMatchObject({ alertsTopic: 'alerts', stateShards: 1, maxDaysPerBatch: 31, oldestReading: Date.parse('1980-01-01T00:00:00Z') });
    expect(settingsFor('daily', BUCKETS)).toMatchObject({
      coldlineAgeDays: 30,
      retentionDays: undefined,
      dailyRowChecks: 'on-refusal',
      dailyTimeBudgetSeconds: 1500,
      bigqueryLocation: undefined,
    });
    expect(settingsFor('panel', PANEL)).toMatchObject({ port: 8080, panelLocalKeys: null });
    // Blank is unset, so an env block that writes "" gets the default.
    expect(settingsFor('notify', { ...BUCKETS, PLANTLAKE_NOTIFY_THROTTLE_SECONDS: '  ' }).notifyThrottleSeconds).toBe(300);
  });

  it('parses set values into their types', () => {
    const notify = settingsFor('notify', {
      ...BUCKETS,
      PLANTLAKE_ALARM_EMAILS: ' a@example.com, ,b@example.com ',
      PLANTLAKE_WEBHOOK_FORMAT: 'teams',
      PLANTLAKE_NOTIFY_THROTTLE_SECONDS: '0',
      PLANTLAKE_CONFIG_CHECK_SECONDS: '0.5',
    });
    expect(notify).toMatchObject({
      alarmEmails: ['a@example.com', 'b@example.com'],
      webhookFormat: 'teams',
      notifyThrottleSeconds: 0,
      configCheckSeconds: 0.5,
    });
    expect(settingsFor('sweep', { ...BUCKETS, PLANTLAKE_STATE_SHARDS: '32' }).stateShards).toBe(32);
  });

  it.each<[SettingReader, Record<string, string>, RegExp]>([
    ['land', {}, /^PLANTLAKE_RAW_BUCKET is not set: the raw zone bucket\. The deployment \(Pulumi, or the local runtime\) must set it\.$/],
    [
      'detect',
      { ...BUCKETS, PLANTLAKE_STATE_SHARDS: '0' },
      /^PLANTLAKE_STATE_SHARDS must be a whole number from 1 to 256; got "0"\. Set it to a whole number from 1 to 256, or unset it for the default \(1\)\.$/,
    ],
    ['detect', { ...BUCKETS, PLANTLAKE_CONFIG_CHECK_SECONDS: '-1' }, /^PLANTLAKE_CONFIG_CHECK_SECONDS must be a number of seconds ≥ 0; got "-1"\. Set it/],
    [
      'notify',
      { ...BUCKETS, PLANTLAKE_NOTIFY_THROTTLE_SECONDS: '5m' },
      /^PLANTLAKE_NOTIFY_THROTTLE_SECONDS must be a whole number ≥ 0; got "5m"\. Set it to a whole number ≥ 0, or unset it for the default \(300\)\.$/,
    ],
    [
      'notify',
      { ...BUCKETS, PLANTLAKE_WEBHOOK_FORMAT: 'msn' },
      /^PLANTLAKE_WEBHOOK_FORMAT must be google-chat, slack or teams; got "msn"\. Set it to one of those, or unset it for the default \(google-chat\)\.$/,
    ],
    [
      'daily',
      { ...BUCKETS, PLANTLAKE_RETENTION_DAYS: '0' },
      /^PLANTLAKE_RETENTION_DAYS must be a whole number ≥ 1; got "0"\. Set it to a whole number ≥ 1, or unset it\.$/,
    ],
    ['daily', { ...BUCKETS, PLANTLAKE_DAILY_TIME_BUDGET_SECONDS: 'soon' }, /^PLANTLAKE_DAILY_TIME_BUDGET_SECONDS must be a whole number ≥ 1; got "soon"/],
    ['panel', { ...PANEL, PORT: '70000' }, /^PORT must be a whole number from 0 to 65535; got "70000"/],
    [
      'panel',
      { ...PANEL, PLANTLAKE_PANEL_ACCESS: '{not json' },
      /^PLANTLAKE_PANEL_ACCESS must be JSON; got "\{not json…" .*Set it to the JSON the deployment writes\.$/,
    ],
    [
      'panel',
      { ...PANEL, PLANTLAKE_PANEL_LOCAL_IAP_KEYS: '{"k":"nope"}' },
      /^PLANTLAKE_PANEL_LOCAL_IAP_KEYS must map key ids to PEM public keys; it is for local runs only, unset it in Google Cloud\.$/,
    ],
  ])('%s: names the variable, the problem and the fix (%j)', (reader, env, message) => {
    expect(() => settingsFor(reader, env)).toThrow(message);
  });

  it('reports every problem of one start at once', () => {
    let caught: unknown;
    try {
      settingsFor('detect', { PLANTLAKE_STATE_SHARDS: 'x' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SettingsError);
    expect((caught as SettingsError).problems.map((p) => p.split(' ')[0])).toEqual([
      'PLANTLAKE_RAW_BUCKET',
      'PLANTLAKE_CONFIG_BUCKET',
      'PLANTLAKE_STATE_SHARDS',
    ]);
  });

  it('ENV names every setting by its key', () => {
    for (const key of Object.keys(SETTINGS) as SettingKey[]) expect(ENV[key]).toBe(SETTINGS[key].env);
    expect(ENV.alarmEmails).toBe('PLANTLAKE_ALARM_EMAILS');
  });
});

describe('one declaration', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
    });

  it('no function or CLI file spells a variable name; they take it from the table', () => {
    const offenders = [...sources('functions'), ...sources('cli')]
      .filter((f) => !f.endsWith('function-env.ts'))
      .filter((f) => /['"`](PLANTLAKE_[A-Z_]+|PUBSUB_EMULATOR_HOST|PORT)['"`]/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe("README's Settings table", () => {
  it('is the table, as npm run docs:settings renders it', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain(settingsMarkdown());
    expect(withSettingsTable(readme)).toBe(readme);
  });

  it('would notice a change to the table', () => {
    const edited = readFileSync('README.md', 'utf8').replace(
      '| `PLANTLAKE_NOTIFY_THROTTLE_SECONDS` | whole number of seconds | 300 |',
      '| `PLANTLAKE_NOTIFY_THROTTLE_SECONDS` | whole number of seconds | 600 |',
    );
    expect(edited).not.toContain(settingsMarkdown());
  });
});
