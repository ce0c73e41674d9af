// The five functions, each with the least it needs, on the resources it touches:
//   land   — create objects in the raw bucket under readings/ and quarantine/ only (IAM
//            condition), read readings/ metadata (a reused batch id); no overwrite, no delete.
//   detect — read rules (config bucket); read/write alarm state and alarm events in the raw
//            bucket, limited by an IAM condition to state/… and alarm-events/ (so it cannot touch
//            readings); publish to alerts.
//   notify — read the tag catalog (config bucket); read the chat webhook secret; read/write its
//            ledger of sent notifications in the raw bucket, limited to notify/sent/.
//   daily  — read and list the raw bucket; rewrite and delete only under readings/ and
//            alarm-events/ (compaction, Coldline, retention) and its lease under daily/, never state/;
//            read the catalog; edit the dataset;
//            run BigQuery jobs (project-level by nature).
//   sweep  — what detect has (rules; state/…, alarm-events/ and live/ only; publish to alerts): it commits
//            STALE through detect's path.
// and the push triggers that deliver readings to land and detect, alerts to notify.
import type * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { FUNCTIONS, OBJECTS, SUBSCRIPTIONS, TOPICS, type FunctionName } from '../../functions/core/resources.ts';
import type { FunctionSizing } from '../config.ts';
import { ENV, FUNCTION_ENV, SECRET_ENV, type EnvKey } from '../env.ts';
import type { Grant } from '../grants.ts';
import { objectPrefixCondition, ROLES } from '../iam.ts';
import type { FunctionSource } from '../sources.ts';
import type { ChatWebhook } from './chat-webhook.ts';
import { FunctionBuild } from './function-build.ts';
import { FunctionService } from './function-service.ts';
import { PushTrigger } from './push-trigger.ts';

export interface FunctionsArgs {
  readonly project: string;
  readonly projectNumber: pulumi.Input<string>;
  readonly region: string;
  readonly stack: string;
  readonly settings: Readonly<Record<FunctionName, FunctionSizing>>;
  /** The built folder of each function. */
  readonly sources: Readonly<Record<FunctionName, FunctionSource>>;
  readonly topics: Readonly<Record<keyof typeof TOPICS, gcp.pubsub.Topic>>;
  readonly rawBucket: gcp.storage.Bucket;
  readonly configBucket: gcp.storage.Bucket;
  readonly sourcesBucket: gcp.storage.Bucket;
  readonly dataset: gcp.bigquery.Dataset;
  readonly coldlineAgeDays: number;
  readonly retentionDays: number | undefined;
  readonly chatWebhook: ChatWebhook;
  readonly chatWebhookFormat: string;
  readonly alarmEmails: readonly string[];
  /** Alarm state objects per site (functions/core/state-shards.ts). */
  readonly stateShards: number;
  /** Seconds a checked rules / tag catalog generation is trusted (detect, notify, sweep). */
  readonly configCheckSeconds: number;
  /** Minimum seconds between two chat messages for the same site, tag and condition. */
  readonly notifyThrottleSeconds: number;
}

const DESCRIPTIONS: Readonly<Record<FunctionName, string>> = {
  land: 'Lands each reading batch in the raw bucket; quarantines bad input',
  detect: 'Detects alarm transitions in reading batches and publishes them to alerts',
  notify: 'Sends alarm notifications (chat webhook, e-mail)',
  daily: 'Loads changed raw days into BigQuery and moves loaded days to Coldline',
  sweep: 'Judges STALE every minute for sites that send nothing (Cloud Scheduler)',
};

/** Prefixes detect may write in the raw bucket: alarm state, alarm events and the live snapshots. */
export const DETECT_RAW_PREFIXES = [OBJECTS.alarmStatePrefix, OBJECTS.alarmEventsPrefix, OBJECTS.livePrefix];
/** Prefixes land may create objects under: raw readings and quarantine records. */
export const LAND_RAW_PREFIXES = [OBJECTS.readingsPrefix, OBJECTS.quarantinePrefix];
/** Prefixes the daily job may rewrite and delete under: the data it loads, and its lease. */
export const DAILY_RAW_PREFIXES = [OBJECTS.readingsPrefix, OBJECTS.alarmEventsPrefix, OBJECTS.dailyLeasePrefix];

export class Functions extends pulumi.ComponentResource {
  readonly build: FunctionBuild;
  readonly services: Readonly<Record<FunctionName, FunctionService>>;
  readonly triggers: Readonly<Record<keyof typeof SUBSCRIPTIONS, PushTrigger>>;

  constructor(name: string, args: FunctionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('plantlake:infra:Functions', name, {}, opts);
    const raw = args.rawBucket.name;
    const config = args.configBucket.name;

    this.build = new FunctionBuild('build', { project: args.project, region: args.region, sourcesBucket: args.sourcesBucket.name }, { parent: this });

    // Plain values; a key left undefined is not set at all: only for the settings whose default in
    // function-env.ts is "unset: …" (no retention, no alarm e-mails), as the infra tests check.
    const envValues: Record<EnvKey, pulumi.Input<string> | undefined> = {
      environment: args.stack,
      rawBucket: raw,
      configBucket: config,
      alertsTopic: args.topics.alerts.name,
      dataset: args.dataset.datasetId,
      coldlineAgeDays: String(args.coldlineAgeDays),
      retentionDays: args.retentionDays === undefined ? undefined : String(args.retentionDays),
      webhookUrl: undefined,
      webhookFormat: args.chatWebhookFormat,
      alarmEmails: args.alarmEmails.length > 0 ? args.alarmEmails.join(',') : undefined,
      notifyThrottleSeconds: String(args.notifyThrottleSeconds),
      configCheckSeconds: String(args.configCheckSeconds),
      bigqueryLocation: args.dataset.location.apply((l) => l ?? ''),
      stateShards: String(args.stateShards),
    };
    const secretValues: Partial<Record<EnvKey, { secret: pulumi.Input<string>; version: pulumi.Input<string> }>> = {
      // Pinned to the version this stack wrote, so a new webhook URL rolls out with a redeploy.
      webhookUrl: { secret: args.chatWebhook.secret.secretId, version: args.chatWebhook.version.version },
    };

    const configViewer: Grant = { on: 'bucket', what: 'config-object-viewer', bucket: config, role: ROLES.objectViewer };
    const access: Record<FunctionName, Grant[]> = {
      // Writes use ifGenerationMatch=0, so create is all land needs; on a 412 it reads the
      // existing object's content hash (a batch id reused with other readings lands beside it).
      land: [
        {
          on: 'bucket',
          what: 'raw-object-creator',
          bucket: raw,
          role: ROLES.objectCreator,
          condition: objectPrefixCondition(raw, LAND_RAW_PREFIXES, 'land readings and quarantine only'),
        },
        {
          on: 'bucket',
          what: 'raw-readings-viewer',
          bucket: raw,
          role: ROLES.objectViewer,
          condition: objectPrefixCondition(raw, [OBJECTS.readingsPrefix], 'land reads readings metadata only'),
        },
      ],
      detect: [
        configViewer,
        {
          on: 'bucket',
          what: 'raw-state-object-user',
          bucket: raw,
          role: ROLES.objectUser,
          condition: objectPrefixCondition(raw, DETECT_RAW_PREFIXES, 'detect state, alarm events and live snapshots only'),
        },
        { on: 'topic', what: 'alerts-publisher', topic: args.topics.alerts.name, role: ROLES.publisher },
      ],
      // The sweep commits through detect's path: the same grants, on the same prefixes.
      sweep: [
        configViewer,
        {
          on: 'bucket',
          what: 'raw-state-object-user',
          bucket: raw,
          role: ROLES.objectUser,
          condition: objectPrefixCondition(raw, DETECT_RAW_PREFIXES, 'detect state, alarm events and live snapshots only'),
        },
        { on: 'topic', what: 'alerts-publisher', topic: args.topics.alerts.name, role: ROLES.publisher },
      ],
      notify: [
        configViewer,
        // Its shared record of what was sent (no duplicates, no active after its cleared).
        {
          on: 'bucket',
          what: 'raw-notify-ledger-user',
          bucket: raw,
          role: ROLES.objectUser,
          condition: objectPrefixCondition(raw, [OBJECTS.notifyLedgerPrefix], 'notify ledger only'),
        },
        { on: 'secret', what: 'webhook-accessor', secretId: args.chatWebhook.secret.id, role: ROLES.secretAccessor },
      ],
      // Listing is a bucket permission, which an object-name condition would refuse, so read and
      // list are unconditioned; objectUser (the rewrite that changes storage class, compaction,
      // retention deletes) holds only under the prefixes of the data the job loads.
      daily: [
        { on: 'bucket', what: 'raw-object-viewer', bucket: raw, role: ROLES.objectViewer },
        {
          on: 'bucket',
          what: 'raw-data-object-user',
          bucket: raw,
          role: ROLES.objectUser,
          condition: objectPrefixCondition(raw, DAILY_RAW_PREFIXES, 'daily readings, alarm events and its lease only'),
        },
        configViewer,
        { on: 'dataset', what: 'dataset-editor', datasetId: args.dataset.datasetId, role: ROLES.dataEditor },
        { on: 'project', what: 'bigquery-job-user', project: args.project, role: ROLES.jobUser },
      ],
    };

    const services = {} as Record<FunctionName, FunctionService>;
    for (const fn of FUNCTIONS) {
      const keys = FUNCTION_ENV[fn];
      const plain = keys.filter((k) => !SECRET_ENV.includes(k));
      const secret = keys.filter((k) => SECRET_ENV.includes(k));
      services[fn] = new FunctionService(
        fn,
        {
          name: fn,
          description: DESCRIPTIONS[fn],
          project: args.project,
          region: args.region,
          settings: args.settings[fn],
          source: args.sources[fn],
          sourcesBucket: args.sourcesBucket.name,
          buildServiceAccount: this.build.serviceAccount.id,
          dockerRepository: this.build.repository.id,
          environment: Object.fromEntries(
            plain.flatMap((k) => {
              const v = envValues[k];
              return v === undefined ? [] : [[ENV[k], v] as const];
            }),
          ),
          secretEnvironment: secret.flatMap((k) => {
            const s = secretValues[k];
            return s ? [{ key: ENV[k], ...s }] : [];
          }),
          buildGrants: this.build.grants,
          access: access[fn],
        },
        { parent: this },
      );
    }
    this.services = services;

    const deadLetter = { [TOPICS.readingsDeadLetter]: args.topics.readingsDeadLetter, [TOPICS.alertsDeadLetter]: args.topics.alertsDeadLetter };
    const source = { [TOPICS.readings]: args.topics.readings, [TOPICS.alerts]: args.topics.alerts };
    const trigger = (fn: keyof typeof SUBSCRIPTIONS) => {
      const spec = SUBSCRIPTIONS[fn];
      const topic = source[spec.topic];
      const dlq = deadLetter[spec.deadLetterTopic];
      if (!topic || !dlq) throw new Error(`resources.ts: subscription ${spec.name} names an unknown topic`);
      return new PushTrigger(
        fn,
        {
          project: args.project,
          region: args.region,
          projectNumber: args.projectNumber,
          spec,
          topic,
          deadLetterTopic: dlq,
          target: services[fn],
        },
        { parent: this },
      );
    };
    this.triggers = { land: trigger('land'), detect: trigger('detect'), notify: trigger('notify') };

    this.registerOutputs({
      functions: Object.fromEntries(FUNCTIONS.map((fn) => [fn, services[fn].uri])),
    });
  }
}
