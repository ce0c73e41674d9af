// The operations alerts on what goes wrong quietly, as the mocked engine receives them: one
// log-based metric and one policy each, counting the functions' own log entries, grouped so the
// incident names the site or outcome, mailed to the ops channels, with a runbook that says what
// to do. The README's Runbook has an entry for each.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { LOG_EVENTS, SUBSCRIPTIONS } from '../../functions/core/resources.ts';
import { runProgram, T, type Run } from './harness.ts';

let run: Run;
beforeAll(async () => {
  run = await runProgram('dev', { overrides: { 'plantlake:quarantineAlertThreshold': '25' } });
});

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const runbook = readme.slice(readme.indexOf('\n## Runbook'));

function alert(name: string) {
  const metric = run.one(T.logMetric, name).inputs;
  const policy = run.one(T.policy, name).inputs;
  const condition = policy.conditions[0].conditionThreshold;
  return { metric, policy, condition };
}

describe('operations alerts', () => {
  test('quarantine volume per site above the configured threshold', () => {
    const { metric, policy, condition } = alert('quarantine-volume');
    expect(metric.filter).toContain('resource.labels.service_name="land"');
    expect(metric.filter).toContain(`jsonPayload.event="${LOG_EVENTS.landBatch}" AND jsonPayload.outcome="quarantined"`);
    expect(metric.labelExtractors).toEqual({ site: 'EXTRACT(jsonPayload.site)' });
    expect(condition.filter).toContain('metric.type="logging.googleapis.com/user/plantlake-quarantine-volume"');
    expect(condition).toMatchObject({ comparison: 'COMPARISON_GT', thresholdValue: 25 });
    expect(condition.aggregations[0]).toMatchObject({ alignmentPeriod: '3600s', perSeriesAligner: 'ALIGN_SUM', groupByFields: ['metric.label.site'] });
    expect(policy.documentation.content).toContain('More than 25 messages of one site');
  });

  test('detect batches skipped as invalid or without rules', () => {
    const { metric, condition } = alert('detect-skipped');
    expect(metric.filter).toContain('resource.labels.service_name="detect"');
    expect(metric.filter).toContain('jsonPayload.outcome=("skipped-invalid" OR "no-rules")');
    expect(condition).toMatchObject({ comparison: 'COMPARISON_GT', thresholdValue: 0, duration: '0s' });
    expect(condition.aggregations[0].groupByFields).toEqual(['metric.label.outcome']);
  });

  test('notify failing to reach or refused by the webhook', () => {
    const { metric, condition } = alert('notify-webhook-failing');
    expect(metric.filter).toContain('resource.labels.service_name="notify"');
    expect(metric.filter).toContain(`jsonPayload.event=("${LOG_EVENTS.notifyWebhookFailed}" OR "${LOG_EVENTS.notifyWebhookRefused}")`);
    expect(condition.thresholdValue).toBe(0);
  });

  test.each([
    ['daily-failed', 'failed', 'ERROR'],
    ['daily-partial', 'partial', 'WARNING'],
  ])('%s: any daily summary with status %s', (name, status, severity) => {
    const { metric, policy, condition } = alert(name);
    expect(metric.filter).toContain('resource.labels.service_name="daily"');
    expect(metric.filter).toContain(`jsonPayload.event="${LOG_EVENTS.dailySummary}" AND jsonPayload.status="${status}"`);
    expect(policy.severity).toBe(severity);
    expect(condition).toMatchObject({ comparison: 'COMPARISON_GT', thresholdValue: 0 });
  });

  test('any message forwarded to a dead-letter topic, from every subscription with one', () => {
    const filters: string[] = run
      .one(T.policy, 'dead-letter-backlog')
      .inputs.conditions.map((c: { conditionThreshold: { filter: string } }) => c.conditionThreshold.filter);
    for (const sub of Object.values(SUBSCRIPTIONS)) {
      const f = filters.find((x) => x.includes(`subscription_id="${sub.name}"`));
      expect(f, sub.name).toContain('metric.type="pubsub.googleapis.com/subscription/dead_letter_message_count"');
    }
    const forwarded = run
      .one(T.policy, 'dead-letter-backlog')
      .inputs.conditions.filter((c: { conditionThreshold: { filter: string } }) => c.conditionThreshold.filter.includes('dead_letter_message_count'));
    for (const c of forwarded) expect(c.conditionThreshold).toMatchObject({ thresholdValue: 0, duration: '0s' });
  });

  test('every policy mails the ops channels, says what to do and has a runbook entry in the README', () => {
    const ops = (JSON.parse(run.config['plantlake:alertEmails'] ?? '[]') as string[]).map(
      (e) => `projects/${run.project}/notificationChannels/email-${e.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    );
    const policies = run.ofType(T.policy).filter((p) => p.name !== 'alarm-email' && p.name !== 'function-errors' && p.name !== 'daily-load-missing');
    expect(policies.length).toBeGreaterThanOrEqual(6);
    for (const p of policies) {
      expect([...p.inputs.notificationChannels].sort(), p.name).toEqual(ops.sort());
      const doc: string = p.inputs.documentation.content;
      expect(doc, p.name).toMatch(/`plantlake (status|rules validate)/);
      const entry = /Runbook: README\.md, section "Runbook", entry "([^"]+)"/.exec(doc)?.[1];
      expect(entry, `${p.name} names its runbook entry`).toBeDefined();
      expect(runbook, `README Runbook has "### ${entry}"`).toContain(`\n### ${entry}\n`);
    }
  });
});
