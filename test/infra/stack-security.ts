// Security properties of a stack, asserted over every captured resource, so a resource added
// later is checked without touching this file.
import { beforeAll, describe, expect, test } from 'vitest';
import { bucketNames, DATASET, MESSAGE_RETENTION_SECONDS, SUBSCRIPTIONS } from '../../functions/core/resources.ts';
import { PROJECT_LEVEL_GRANTS } from '../../infra/iam.ts';
import { type Captured, type Run, strings, T, TEST_WEBHOOK } from './harness.ts';

const isIam = (r: Captured) => /iam/i.test(r.type);

/** `kind:target:role[:conditioned]` for an IAM member resource, independent of how it was named. */
function grantOf(r: Captured): string {
  const i = r.inputs;
  const [kind, target] = (() => {
    switch (r.type) {
      case 'gcp:storage/bucketIAMMember:BucketIAMMember':
        return ['bucket', i.bucket];
      case 'gcp:pubsub/topicIAMMember:TopicIAMMember':
        return ['topic', i.topic];
      case 'gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember':
        return ['subscription', i.subscription];
      case 'gcp:secretmanager/secretIamMember:SecretIamMember':
        return ['secret', i.secretId];
      case 'gcp:bigquery/datasetIamMember:DatasetIamMember':
        return ['dataset', i.datasetId];
      case T.projectIam:
        return ['project', i.project];
      case 'gcp:cloudrunv2/serviceIamMember:ServiceIamMember':
        return ['run', i.name];
      case 'gcp:serviceaccount/iAMMember:IAMMember':
        return ['serviceAccount', i.serviceAccountId];
      case 'gcp:artifactregistry/repositoryIamMember:RepositoryIamMember':
        return ['repository', i.repository];
      case 'gcp:iap/webCloudRunServiceIamMember:WebCloudRunServiceIamMember':
        return ['iap', i.cloudRunServiceName];
      default:
        throw new Error(`IAM resource type ${r.type} (${r.name}) is not known to the tests: add it to grantOf`);
    }
  })();
  return `${kind}:${target}:${i.role}${i.condition ? ':conditioned' : ''}`;
}

export function describeSecurity(stack: string, getRun: () => Run): void {
  describe(`${stack}: security over every resource`, () => {
    let run: Run;
    beforeAll(() => {
      run = getRun();
    });

    test('no public member anywhere', () => {
      for (const r of run.resources) {
        const bad = strings(r.inputs).filter((s) => /allUsers|allAuthenticatedUsers/.test(s));
        expect(bad, `${r.type} ${r.name}`).toEqual([]);
      }
    });

    test('no primitive role anywhere', () => {
      for (const r of run.resources) {
        const bad = strings(r.inputs).filter((s) => /^roles\/(owner|editor|viewer)$/.test(s));
        expect(bad, `${r.type} ${r.name}`).toEqual([]);
      }
    });

    test('IAM is granted member by member, never as an authoritative binding or policy', () => {
      for (const r of run.resources.filter(isIam)) {
        expect(r.type, r.name).toMatch(/IamMember$|IAMMember$/i);
        expect(r.type, r.name).not.toMatch(/organizations|folder/);
      }
    });

    test('project-level grants only for the documented exceptions, with their conditions', () => {
      const project = run.ofType(T.projectIam);
      expect(project.length).toBeGreaterThan(0);
      for (const r of project) {
        const rule = PROJECT_LEVEL_GRANTS.find((g) => g.role === r.inputs.role);
        expect(rule, `${r.name}: ${r.inputs.role} on the project`).toBeDefined();
        if (rule?.conditioned) expect(r.inputs.condition?.expression, r.name).toBeTruthy();
      }
    });

    test('each principal holds exactly the grants it needs, on the resources it touches', () => {
      const p = run.project;
      const prefix = run.config['plantlake:bucketPrefix'] ?? '';
      const b = bucketNames(prefix);
      const sa = (id: string) => `serviceAccount:${id}@${p}.iam.gserviceaccount.com`;
      const agent = 'serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com';
      const analysts = `group:${run.config['plantlake:analystGroup']}`;
      const saId = (id: string) => `projects/${p}/serviceAccounts/${id}@${p}.iam.gserviceaccount.com`;
      const expected: Record<string, string[]> = {
        [sa('plantlake-fn-land')]: [`bucket:${b.raw}:roles/storage.objectCreator:conditioned`, `bucket:${b.raw}:roles/storage.objectViewer:conditioned`],
        [sa('plantlake-fn-detect')]: [
          `bucket:${b.config}:roles/storage.objectViewer`,
          `bucket:${b.raw}:roles/storage.objectUser:conditioned`,
          'topic:alerts:roles/pubsub.publisher',
        ],
        // The STALE sweep commits through detect's path: the same grants.
        [sa('plantlake-fn-sweep')]: [
          `bucket:${b.config}:roles/storage.objectViewer`,
          `bucket:${b.raw}:roles/storage.objectUser:conditioned`,
          'topic:alerts:roles/pubsub.publisher',
        ],
        [sa('plantlake-fn-notify')]: [
          `bucket:${b.config}:roles/storage.objectViewer`,
          `bucket:${b.raw}:roles/storage.objectUser:conditioned`,
          `secret:projects/${p}/secrets/plantlake-chat-webhook:roles/secretmanager.secretAccessor`,
        ],
        [sa('plantlake-fn-daily')]: [
          `bucket:${b.config}:roles/storage.objectViewer`,
          `bucket:${b.raw}:roles/storage.objectUser:conditioned`,
          `bucket:${b.raw}:roles/storage.objectViewer`,
          `dataset:${DATASET}:roles/bigquery.dataEditor`,
          `project:${p}:roles/bigquery.jobUser`,
        ],
        [sa('plantlake-push-land')]: ['run:land:roles/run.invoker'],
        [sa('plantlake-push-detect')]: ['run:detect:roles/run.invoker'],
        [sa('plantlake-push-notify')]: ['run:notify:roles/run.invoker'],
        [sa('plantlake-scheduler')]: ['run:daily:roles/run.invoker'],
        [sa('plantlake-sweep-tick')]: ['run:sweep:roles/run.invoker'],
        [sa('plantlake-build')]: [
          `bucket:${b.functionSources}:roles/storage.objectViewer`,
          `project:${p}:roles/logging.logWriter`,
          `project:${p}:roles/storage.objectAdmin:conditioned`,
          'repository:plantlake-functions:roles/artifactregistry.writer',
        ],
        [agent]: [
          'subscription:alerts-notify:roles/pubsub.subscriber',
          'subscription:readings-detect:roles/pubsub.subscriber',
          'subscription:readings-land:roles/pubsub.subscriber',
          'topic:alerts-dead-letter:roles/pubsub.publisher',
          'topic:readings-dead-letter:roles/pubsub.publisher',
          `serviceAccount:${saId('plantlake-push-detect')}:roles/iam.serviceAccountTokenCreator`,
          `serviceAccount:${saId('plantlake-push-land')}:roles/iam.serviceAccountTokenCreator`,
          `serviceAccount:${saId('plantlake-push-notify')}:roles/iam.serviceAccountTokenCreator`,
        ],
        [analysts]: [`dataset:${DATASET}:roles/bigquery.dataViewer`, `project:${p}:roles/bigquery.jobUser`],
        [sa('plantlake-panel')]: [`bucket:${b.config}:roles/storage.objectViewer:conditioned`, `bucket:${b.raw}:roles/storage.objectViewer:conditioned`],
        'serviceAccount:service-123456789012@gcp-sa-iap.iam.gserviceaccount.com': ['run:plantlake-panel:roles/run.invoker'],
      };
      // Panel users: IAP access (site users with a path condition), and site users query their rows.
      const headOffice = JSON.parse(run.config['plantlake:panelHeadOffice'] ?? '[]') as string[];
      for (const m of headOffice) (expected[m] ??= []).push('iap:plantlake-panel:roles/iap.httpsResourceAccessor');
      const siteMembers = new Set<string>();
      for (const item of JSON.parse(run.config['plantlake:panelSiteAccess'] ?? '[]') as string[]) {
        const m = item.slice(item.indexOf('=') + 1);
        (expected[m] ??= []).push('iap:plantlake-panel:roles/iap.httpsResourceAccessor:conditioned');
        siteMembers.add(m);
      }
      for (const m of siteMembers) expected[m]!.push(`dataset:${DATASET}:roles/bigquery.dataViewer`, `project:${p}:roles/bigquery.jobUser`);
      const publishers = JSON.parse(run.config['plantlake:readingsPublishers'] ?? '[]') as string[];
      for (const m of publishers) (expected[m] ??= []).push('topic:readings:roles/pubsub.publisher');

      const actual: Record<string, string[]> = {};
      for (const r of run.resources.filter(isIam)) (actual[r.inputs.member] ??= []).push(grantOf(r));
      for (const list of [...Object.values(actual), ...Object.values(expected)]) list.sort();
      expect(actual).toEqual(expected);
    });

    test('detect writes only alarm state, alarm events and live snapshots in the raw bucket', () => {
      const grant = run.one('gcp:storage/bucketIAMMember:BucketIAMMember', 'detect-raw-state-object-user');
      const raw = bucketNames(run.config['plantlake:bucketPrefix'] ?? '').raw;
      expect(grant.inputs.condition.expression).toBe(
        `resource.name.startsWith("projects/_/buckets/${raw}/objects/state/alarms/") || ` +
          `resource.name.startsWith("projects/_/buckets/${raw}/objects/alarm-events/") || ` +
          `resource.name.startsWith("projects/_/buckets/${raw}/objects/live/")`,
      );
    });

    test('notify writes only its ledger of sent notifications in the raw bucket', () => {
      const grant = run.one('gcp:storage/bucketIAMMember:BucketIAMMember', 'notify-raw-notify-ledger-user');
      const raw = bucketNames(run.config['plantlake:bucketPrefix'] ?? '').raw;
      expect(grant.inputs.condition.expression).toBe(`resource.name.startsWith("projects/_/buckets/${raw}/objects/notify/sent/")`);
    });

    test('every function has its own service account and is internal-only on nodejs24', () => {
      const fns = run.ofType(T.fn);
      const emails = fns.map((f) => f.inputs.serviceConfig.serviceAccountEmail);
      expect(new Set(emails).size).toBe(fns.length);
      for (const f of fns) {
        expect(f.inputs.serviceConfig.serviceAccountEmail).toBe(`plantlake-fn-${f.inputs.name}@${run.project}.iam.gserviceaccount.com`);
        expect(f.inputs.serviceConfig.ingressSettings).toBe('ALLOW_INTERNAL_ONLY');
        expect(f.inputs.buildConfig.runtime).toBe('nodejs24');
        expect(f.inputs.buildConfig.entryPoint).toBe(f.inputs.name);
        expect(f.inputs.buildConfig.serviceAccount).toContain('plantlake-build@');
        expect(f.inputs.eventTrigger).toBeUndefined();
      }
    });

    test('push subscriptions authenticate with OIDC, dead-letter and back off as resources.ts says', () => {
      const fns = new Map(run.ofType(T.fn).map((f) => [f.inputs.name as string, f]));
      for (const [fn, spec] of Object.entries(SUBSCRIPTIONS)) {
        const s = run.one(T.subscription, spec.name).inputs;
        const uri = `https://${fn}-mock-${run.region}.a.run.app`;
        expect(fns.has(fn)).toBe(true);
        expect(s.pushConfig.pushEndpoint).toBe(`${uri}/projects/${run.project}/topics/${spec.topic}`);
        expect(s.pushConfig.oidcToken).toEqual({
          serviceAccountEmail: `plantlake-push-${fn}@${run.project}.iam.gserviceaccount.com`,
          audience: uri,
        });
        expect(s.topic).toBe(`projects/${run.project}/topics/${spec.topic}`);
        expect(s.deadLetterPolicy).toEqual({
          deadLetterTopic: `projects/${run.project}/topics/${spec.deadLetterTopic}`,
          maxDeliveryAttempts: spec.maxDeliveryAttempts,
        });
        expect(s.retryPolicy).toEqual({
          minimumBackoff: `${spec.retryMinimumBackoffSeconds}s`,
          maximumBackoff: `${spec.retryMaximumBackoffSeconds}s`,
        });
        expect(s.ackDeadlineSeconds).toBe(spec.ackDeadlineSeconds);
        expect(s.enableMessageOrdering).toBe(spec.enableMessageOrdering);
        // The function must answer before Pub/Sub gives up on the delivery.
        expect(fns.get(fn)?.inputs.serviceConfig.timeoutSeconds).toBeLessThan(spec.ackDeadlineSeconds);
      }
    });

    test('every subscription: push ones use OIDC; none expires; retention from resources.ts', () => {
      for (const s of run.ofType(T.subscription)) {
        if (s.inputs.pushConfig) {
          expect(s.inputs.pushConfig.pushEndpoint, s.name).toMatch(/^https:\/\//);
          expect(s.inputs.pushConfig.oidcToken?.serviceAccountEmail, s.name).toBeTruthy();
          expect(s.inputs.deadLetterPolicy, s.name).toBeDefined();
        }
        expect(s.inputs.expirationPolicy, s.name).toEqual({ ttl: '' });
        expect(s.inputs.messageRetentionDuration, s.name).toBe(`${MESSAGE_RETENTION_SECONDS}s`);
      }
      for (const t of run.ofType(T.topic)) expect(t.inputs.messageRetentionDuration).toBe(`${MESSAGE_RETENTION_SECONDS}s`);
    });

    test('Cloud Scheduler calls the STALE sweep every minute with an OIDC token of its own identity', () => {
      const j = run.one(T.job, 'sweep');
      const uri = `https://sweep-mock-${run.region}.a.run.app`;
      expect(j.inputs.schedule).toBe('* * * * *');
      expect(j.inputs.httpTarget.uri).toBe(uri);
      expect(j.inputs.httpTarget.httpMethod).toBe('POST');
      expect(j.inputs.httpTarget.oidcToken).toEqual({ serviceAccountEmail: `plantlake-sweep-tick@${run.project}.iam.gserviceaccount.com`, audience: uri });
      expect(j.inputs.httpTarget.oauthToken).toBeUndefined();
      expect(j.inputs.attemptDeadline).toBe('60s');
      expect(j.inputs.retryConfig.retryCount).toBe(0); // the next tick is the retry
      const sweep = run.one(T.fn, 'sweep').inputs.serviceConfig;
      expect(sweep.ingressSettings).toBe('ALLOW_INTERNAL_ONLY');
      expect(run.one('gcp:storage/bucketIAMMember:BucketIAMMember', 'sweep-raw-state-object-user').inputs.condition.expression).toBe(
        run.one('gcp:storage/bucketIAMMember:BucketIAMMember', 'detect-raw-state-object-user').inputs.condition.expression,
      );
    });

    test('Cloud Scheduler calls daily with an OIDC token within its timeout, with retries', () => {
      for (const j of run.ofType(T.job).filter((job) => job.name === 'daily')) {
        const uri = `https://daily-mock-${run.region}.a.run.app`;
        expect(j.inputs.httpTarget.uri).toBe(uri);
        expect(j.inputs.httpTarget.oidcToken).toEqual({
          serviceAccountEmail: `plantlake-scheduler@${run.project}.iam.gserviceaccount.com`,
          audience: uri,
        });
        expect(j.inputs.httpTarget.oauthToken).toBeUndefined();
        expect(j.inputs.schedule).toBe(run.config['plantlake:dailySchedule']);
        expect(j.inputs.timeZone).toBe(run.config['plantlake:dailyTimeZone']);
        const daily = run.one(T.fn, 'daily').inputs.serviceConfig;
        expect(j.inputs.attemptDeadline).toBe(`${daily.timeoutSeconds}s`);
        expect(j.inputs.retryConfig.retryCount).toBeGreaterThan(0);
        expect(daily.maxInstanceCount).toBe(1);
      }
    });

    test('every bucket enforces public access prevention and uniform access; raw has no age-based Coldline rule', () => {
      for (const b of run.ofType(T.bucket)) {
        expect(b.inputs.publicAccessPrevention, b.name).toBe('enforced');
        expect(b.inputs.uniformBucketLevelAccess, b.name).toBe(true);
      }
      const raw = run.one(T.bucket, 'raw').inputs;
      expect(raw.lifecycleRules.filter((r: { action: { type: string } }) => r.action.type === 'SetStorageClass')).toEqual([]);
      const retention = run.config['plantlake:retentionDays'];
      const outbox = { action: { type: 'Delete' }, condition: { age: 7, matchesPrefixes: ['state/alarms/outbox/'] } };
      expect(raw.lifecycleRules).toEqual([
        outbox,
        ...(retention === undefined ? [] : [{ action: { type: 'Delete' }, condition: { age: Number(retention), matchesPrefixes: ['quarantine/'] } }]),
      ]);
      expect(run.one(T.bucket, 'config').inputs.versioning).toEqual({ enabled: true });
    });

    test('the chat webhook URL appears nowhere but in its secret version, as a secret', () => {
      for (const r of run.resources) {
        const leaks = strings(r.inputs).filter((s) => s.includes('do-not-leak'));
        if (r.type === T.secretVersion) expect(r.inputs.secretData.value).toBe(TEST_WEBHOOK);
        else expect(leaks, `${r.type} ${r.name}`).toEqual([]);
      }
      // Marked secret on the wire: the engine encrypts it in state.
      expect(Object.keys(run.one(T.secretVersion, 'chat-webhook').inputs.secretData)).toContain('4dabf18193072939515e22adb298388d');
    });

    test('every cloud resource goes through the explicit provider and sits inside a component', () => {
      const providerUrn = `urn:pulumi:${stack}::plantlake::pulumi:providers:gcp::gcp::`;
      for (const r of run.resources.filter((x) => x.custom && x.type !== T.provider)) {
        expect(r.provider, `${r.type} ${r.name}`).toMatch(new RegExp(`^${providerUrn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
        expect(r.parent, `${r.type} ${r.name}`).toMatch(/plantlake:infra:/);
      }
      const provider = run.one(T.provider, 'gcp').inputs;
      expect(provider.project).toBe(run.project);
      expect(JSON.parse(provider.defaultLabels)).toEqual({ app: 'plantlake', env: stack });
    });
  });
}
