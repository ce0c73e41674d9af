// The checks every stack must pass, run by dev.test.ts and prod.test.ts (one program run per
// file, since Pulumi's runtime state is per process). The security checks are in
// stack-security.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { bucketNames, DATASET, DEAD_LETTER_SUBSCRIPTIONS, FUNCTIONS, SUBSCRIPTIONS, TABLES, TOPICS, type TableSpec } from '../../functions/core/resources.ts';
import { keysOf, SETTINGS, type Setting } from '../../functions/core/function-env.ts';
import { type Run, runProgram, T } from './harness.ts';
import { describePrefixConditions } from './prefix-conditions.ts';
import { describeSecurity } from './stack-security.ts';

export function describeStack(stack: 'dev' | 'prod'): { run: () => Run } {
  let run: Run;
  // One program run for the whole file; generous for a busy CI machine.
  beforeAll(async () => {
    run = await runProgram(stack);
  }, 60_000);

  describe(`${stack}: inventory`, () => {
    test('topics, subscriptions and dead-letter holds carry the names in resources.ts', () => {
      expect(
        run
          .ofType(T.topic)
          .map((t) => t.inputs.name)
          .sort(),
      ).toEqual(Object.values(TOPICS).sort());
      const subs = run
        .ofType(T.subscription)
        .map((s) => s.inputs.name)
        .sort();
      const expected = [...Object.values(SUBSCRIPTIONS), ...Object.values(DEAD_LETTER_SUBSCRIPTIONS)].map((s) => s.name);
      expect(subs).toEqual(expected.sort());
    });

    test('three buckets named from the prefix', () => {
      const names = bucketNames(run.config['plantlake:bucketPrefix'] ?? '');
      expect(
        run
          .ofType(T.bucket)
          .map((b) => b.inputs.name)
          .sort(),
      ).toEqual(Object.values(names).sort());
    });

    test('dataset, every table of resources.ts and one view per sql/views file', () => {
      expect(run.ofType(T.dataset).map((d) => d.inputs.datasetId)).toEqual([DATASET]);
      // Billed on compressed bytes, time travel at its 48 h minimum (what `plantlake cost` bills).
      expect(run.ofType(T.dataset).map((d) => [d.inputs.storageBillingModel, d.inputs.maxTimeTravelHours])).toEqual([['PHYSICAL', '48']]);
      const tables = run.ofType(T.table).filter((t) => !t.inputs.view);
      expect(tables.map((t) => t.inputs.tableId).sort()).toEqual(
        Object.values(TABLES)
          .map((t) => t.name)
          .sort(),
      );
      const viewFiles = existsSync('sql/views') ? readdirSync('sql/views').filter((f) => f.endsWith('.sql')) : [];
      expect(run.ofType(T.table).filter((t) => t.inputs.view).length).toBe(viewFiles.length);
    });

    test('five functions, scheduler jobs (daily, STALE sweep), secret, build repository, alerting', () => {
      expect(
        run
          .ofType(T.fn)
          .map((f) => f.inputs.name)
          .sort(),
      ).toEqual([...FUNCTIONS].sort());
      expect(
        run
          .ofType(T.job)
          .map((j) => j.inputs.name)
          .sort(),
      ).toEqual(['plantlake-daily', 'plantlake-stale-sweep']);
      expect(run.ofType(T.secret)).toHaveLength(1);
      expect(run.ofType(T.secretVersion)).toHaveLength(1);
      expect(run.ofType(T.repository)).toHaveLength(1);
      const emails = JSON.parse(run.config['plantlake:alertEmails'] ?? '[]') as string[];
      const alarmEmails = JSON.parse(run.config['plantlake:alarmEmails'] ?? '[]') as string[];
      expect(
        run
          .ofType(T.channel)
          .map((c) => c.inputs.labels.email_address)
          .sort(),
      ).toEqual([...new Set([...emails, ...alarmEmails])].sort());
      // Operations alerts of test/infra/ops-alerts.test.ts.
      const ops = ['quarantine-volume', 'detect-skipped', 'notify-webhook-failing', 'daily-failed', 'daily-partial'];
      expect(
        run
          .ofType(T.logMetric)
          .map((m) => m.inputs.name)
          .sort(),
      ).toEqual(
        [
          'plantlake-daily-summaries',
          'plantlake-function-errors',
          'plantlake-rules-problems',
          'plantlake-site-batches',
          ...ops.map((o) => `plantlake-${o}`),
        ].sort(),
      );
      expect(
        run
          .ofType(T.policy)
          .map((p) => p.name)
          .sort(),
      ).toEqual(
        [
          ...(alarmEmails.length > 0 ? ['alarm-email'] : []),
          'daily-load-missing',
          'dead-letter-backlog',
          'function-errors',
          'rules-unusable',
          'site-silent',
          ...ops,
        ].sort(),
      );
    });

    test('alarm coverage alerts: a silent site (per site, from land.batch) and unusable rules (from detect)', () => {
      const sites = run.one(T.logMetric, 'site-batches').inputs;
      expect(sites.filter).toContain('resource.labels.service_name="land"');
      expect(sites.filter).toContain('jsonPayload.event="land.batch"');
      expect(sites.labelExtractors).toEqual({ site: 'EXTRACT(jsonPayload.site)' });
      const silent = run.one(T.policy, 'site-silent').inputs;
      expect(silent.conditions[0].conditionAbsent.filter).toContain('logging.googleapis.com/user/plantlake-site-batches');
      expect(silent.conditions[0].conditionAbsent.aggregations[0].groupByFields).toEqual(['metric.label.site']);
      expect(silent.conditions[0].conditionAbsent.duration).toBe('600s');
      const rules = run.one(T.logMetric, 'rules-problems').inputs;
      expect(rules.filter).toContain('resource.labels.service_name="detect"');
      for (const e of ['detect.rules-invalid', 'detect.rules-missing', 'no-rules']) expect(rules.filter).toContain(e);
      const policy = run.one(T.policy, 'rules-unusable').inputs;
      expect(policy.conditions[0].conditionThreshold.filter).toContain('logging.googleapis.com/user/plantlake-rules-problems');
      const emails = JSON.parse(run.config['plantlake:alertEmails'] ?? '[]') as string[];
      for (const p of [silent, policy]) expect(p.notificationChannels).toHaveLength(emails.length);
    });

    test('service accounts: one per function, one per push subscription, scheduler, build', () => {
      const ids = run
        .ofType(T.account)
        .map((a) => a.inputs.accountId)
        .sort();
      expect(ids).toEqual(
        [
          ...FUNCTIONS.map((f) => `plantlake-fn-${f}`),
          ...Object.keys(SUBSCRIPTIONS).map((f) => `plantlake-push-${f}`),
          'plantlake-scheduler',
          'plantlake-sweep-tick',
          'plantlake-build',
          'plantlake-panel',
        ].sort(),
      );
      for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
    });
  });

  describeSecurity(stack, () => run);
  describePrefixConditions(stack, () => run);

  describe(`${stack}: functions and warehouse`, () => {
    test('each function receives exactly its environment variables', () => {
      const env = (fn: string) => run.one(T.fn, fn).inputs.serviceConfig;
      const names = bucketNames(run.config['plantlake:bucketPrefix'] ?? '');
      // land touches only the raw bucket; the others also read the config bucket.
      const land = { PLANTLAKE_ENVIRONMENT: stack, PLANTLAKE_RAW_BUCKET: names.raw };
      const base = { ...land, PLANTLAKE_CONFIG_BUCKET: names.config };
      const alarmEmails = JSON.parse(run.config['plantlake:alarmEmails'] ?? '[]') as string[];
      const retention = run.config['plantlake:retentionDays'];
      const shards = run.config['plantlake:stateShards'];
      const alarmPath = {
        ...base,
        PLANTLAKE_ALERTS_TOPIC: 'alerts',
        PLANTLAKE_CONFIG_CHECK_SECONDS: run.config['plantlake:configCheckSeconds'],
        PLANTLAKE_STATE_SHARDS: shards ?? '1',
      };
      expect(env('land').environmentVariables).toEqual(land);
      expect(env('detect').environmentVariables).toEqual(alarmPath);
      expect(env('sweep').environmentVariables).toEqual(alarmPath);
      expect(env('notify').environmentVariables).toEqual({
        ...base,
        PLANTLAKE_CONFIG_CHECK_SECONDS: run.config['plantlake:configCheckSeconds'],
        PLANTLAKE_WEBHOOK_FORMAT: run.config['plantlake:chatWebhookFormat'],
        PLANTLAKE_NOTIFY_THROTTLE_SECONDS: run.config['plantlake:notifyThrottleSeconds'],
        ...(alarmEmails.length > 0 ? { PLANTLAKE_ALARM_EMAILS: alarmEmails.join(',') } : {}),
      });
      expect(env('notify').secretEnvironmentVariables).toEqual([
        { key: 'PLANTLAKE_WEBHOOK_URL', projectId: run.project, secret: 'plantlake-chat-webhook', version: '1' },
      ]);
      expect(env('daily').environmentVariables).toEqual({
        ...base,
        PLANTLAKE_DATASET: DATASET,
        PLANTLAKE_COLDLINE_AGE_DAYS: run.config['plantlake:coldlineAgeDays'],
        PLANTLAKE_BQ_LOCATION: run.config['plantlake:bigQueryLocation'],
        ...(retention === undefined ? {} : { PLANTLAKE_RETENTION_DAYS: retention }),
      });
      for (const fn of ['land', 'detect', 'daily', 'sweep']) expect(env(fn).secretEnvironmentVariables ?? []).toEqual([]);
    });

    test('every variable a function reads (function-env.ts) is set by the program or has a documented default', () => {
      for (const fn of FUNCTIONS) {
        const s = run.one(T.fn, fn).inputs.serviceConfig;
        const set = new Set([...Object.keys(s.environmentVariables ?? {}), ...(s.secretEnvironmentVariables ?? []).map((v: { key: string }) => v.key)]);
        for (const key of keysOf(fn)) {
          const setting: Setting = SETTINGS[key];
          if (setting.source === 'pulumi' || setting.source === 'secret') {
            // The program owns it: set on every stack, unless being unset is itself the documented choice.
            if (!setting.default?.startsWith('unset')) expect(set, `${fn} needs ${setting.env} from the Pulumi program`).toContain(setting.env);
          } else {
            // Nobody sets it in Google Cloud: the documented default applies.
            expect(setting.default, `${setting.env} needs a default`).toBeDefined();
            expect(set, `${fn} gets ${setting.env}, which the table says the program never sets`).not.toContain(setting.env);
          }
        }
        // And nothing the function does not read.
        const reads = new Set(keysOf(fn).map((k) => SETTINGS[k].env));
        for (const name of set) expect(reads, `${fn} is given ${name}, which it does not read`).toContain(name);
      }
    });

    test('function settings come from the stack config, per function over the default', () => {
      const c = run.config;
      for (const fn of FUNCTIONS) {
        const s = run.one(T.fn, fn).inputs.serviceConfig;
        expect(s.availableMemory).toBe(c[`plantlake:${fn}Memory`] ?? c['plantlake:functionMemory']);
        expect(String(s.timeoutSeconds)).toBe(c[`plantlake:${fn}TimeoutSeconds`] ?? c['plantlake:functionTimeoutSeconds']);
        expect(String(s.maxInstanceCount)).toBe(c[`plantlake:${fn}MaxInstances`] ?? c['plantlake:functionMaxInstances']);
      }
    });

    test('each function deploys its own built folder, named by content hash', () => {
      for (const fn of FUNCTIONS) {
        const f = run.one(T.fn, fn).inputs.buildConfig.source.storageSource;
        const obj = run.one(T.bucketObject, `${fn}-source`).inputs;
        expect(f).toEqual({ bucket: obj.bucket, object: obj.name });
        expect(obj.name).toMatch(new RegExp(`^${fn}/[0-9a-f]{16}\\.zip$`));
      }
    });

    test('table schemas equal schemas/bigquery, with the layout of resources.ts', () => {
      for (const spec of Object.values(TABLES) as TableSpec[]) {
        const t = run.one(T.table, spec.name).inputs;
        const file = JSON.parse(readFileSync(`schemas/bigquery/${spec.schemaFile}`, 'utf8'));
        expect(JSON.parse(t.schema), spec.name).toEqual(file);
        expect(t.datasetId).toBe(DATASET);
        expect(t.timePartitioning, spec.name).toEqual(spec.partitionField ? { type: 'DAY', field: spec.partitionField } : undefined);
        expect(t.clusterings, spec.name).toEqual(spec.clustering ? [...spec.clustering] : undefined);
        expect(t.requirePartitionFilter, spec.name).toBe(spec.requirePartitionFilter ?? false);
      }
      expect(run.one(T.table, 'readings').inputs.requirePartitionFilter).toBe(true);
    });

    test('alerts watch the dead-letter holds, function errors and the daily summary', () => {
      const backlog = run.one(T.policy, 'dead-letter-backlog').inputs;
      const filters = backlog.conditions.map((c: { conditionThreshold: { filter: string } }) => c.conditionThreshold.filter);
      for (const hold of Object.values(DEAD_LETTER_SUBSCRIPTIONS)) {
        expect(filters.some((f: string) => f.includes(`subscription_id="${hold.name}"`) && f.includes('num_undelivered_messages'))).toBe(true);
      }
      const errors = run.one(T.logMetric, 'function-errors').inputs.filter;
      expect(errors).toContain('severity>=ERROR');
      const summary = run.one(T.logMetric, 'daily-summaries').inputs;
      expect(summary.filter).toContain('jsonPayload.event="daily.summary"');
      expect(summary.labelExtractors).toEqual({ status: 'EXTRACT(jsonPayload.status)' });
      const missing = run.one(T.policy, 'daily-load-missing').inputs.conditions[0].conditionThreshold;
      expect(missing.evaluationMissingData).toBe('EVALUATION_MISSING_DATA_ACTIVE');
      expect(missing.filter).toContain('metric.label.status="succeeded"');
      const channel = (email: string) => `projects/${run.project}/notificationChannels/email-${email.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
      const ops = (JSON.parse(run.config['plantlake:alertEmails'] ?? '[]') as string[]).map(channel).sort();
      for (const p of run.ofType(T.policy).filter((x) => x.name !== 'alarm-email')) {
        expect([...p.inputs.notificationChannels].sort(), p.name).toEqual(ops);
      }
      const alarmEmails = JSON.parse(run.config['plantlake:alarmEmails'] ?? '[]') as string[];
      if (alarmEmails.length > 0) {
        const alarm = run.one(T.policy, 'alarm-email').inputs;
        expect([...alarm.notificationChannels].sort()).toEqual(alarmEmails.map(channel).sort());
        const cond = alarm.conditions[0].conditionMatchedLog;
        expect(cond.filter).toContain('resource.labels.service_name="notify"');
        expect(cond.filter).toContain('jsonPayload.event="alarm.notification"');
        expect(alarm.alertStrategy.notificationRateLimit).toEqual({ period: '300s' });
        expect(alarm.documentation.subject).toContain('${log.extracted_label.tag}');
      }
    });
  });

  return { run: () => run };
}

/** Stateful resources a production stack must not lose to a stray destroy. */
export const STATEFUL = [
  [T.bucket, 'raw'],
  [T.bucket, 'config'],
  [T.dataset, 'dataset'],
  ...Object.values(TABLES).map((t) => [T.table, t.name] as const),
] as const;
