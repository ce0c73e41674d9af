// Stack config values that are each fine alone but contradict each other: rejected with both
// keys and the fix named, before anything is declared.
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../infra/config-readers.ts';
import { loadConfig } from '../../infra/config.ts';
import { stackConfig, TEST_WEBHOOK } from './harness.ts';

function problems(changes: Record<string, string | undefined>, stack: 'dev' | 'prod' = 'dev'): readonly string[] {
  const values: Record<string, string | undefined> = { ...stackConfig(stack), 'plantlake:chatWebhookUrl': TEST_WEBHOOK, ...changes };
  try {
    loadConfig((k) => values[k], stack);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe('contradicting keys', () => {
  test('retention at or below the Coldline age', () => {
    for (const retention of ['30', '7']) {
      expect(problems({ 'plantlake:coldlineAgeDays': '30', 'plantlake:retentionDays': retention })).toEqual([
        `plantlake:retentionDays (${retention}) must be greater than plantlake:coldlineAgeDays (30): raw days are deleted only after they moved to Coldline; ` +
          'set it with pulumi config set plantlake:retentionDays 365 (or lower plantlake:coldlineAgeDays, or remove retentionDays to keep raw data forever)',
      ]);
    }
    expect(problems({ 'plantlake:coldlineAgeDays': '30', 'plantlake:retentionDays': '31' })).toEqual([]);
    expect(problems({ 'plantlake:retentionDays': undefined })).toEqual([]);
  });

  test('a notify timeout shorter than its webhook retry budget', () => {
    expect(problems({ 'plantlake:notifyTimeoutSeconds': '30' })).toEqual([
      expect.stringMatching(
        /^plantlake:notifyTimeoutSeconds \(or plantlake:functionTimeoutSeconds\) must be at least 40 s for notify \(got 30\): its webhook retries take up to 30 s; set it with pulumi config set plantlake:notifyTimeoutSeconds 50$/,
      ),
    ]);
    expect(
      problems({ 'plantlake:functionTimeoutSeconds': '20' }).some((p) =>
        p.startsWith('plantlake:notifyTimeoutSeconds (or plantlake:functionTimeoutSeconds) must be at least 40 s'),
      ),
    ).toBe(true);
    expect(problems({ 'plantlake:notifyTimeoutSeconds': '40' })).toEqual([]);
  });

  test('more than one daily instance', () => {
    expect(problems({ 'plantlake:dailyMaxInstances': '2' })).toEqual([
      'plantlake:dailyMaxInstances must be 1 (got 2): one daily run holds the lease at a time and another instance would only wait for it; ' +
        'set it with pulumi config set plantlake:dailyMaxInstances 1',
    ]);
  });

  test('a negative quarantine threshold names the key', () => {
    expect(problems({ 'plantlake:quarantineAlertThreshold': '-1' })[0]).toMatch(
      /^plantlake:quarantineAlertThreshold must be a whole number of quarantined messages per site per hour ≥ 0 \(got "-1"\)/,
    );
  });
});
