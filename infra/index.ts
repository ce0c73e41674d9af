// plantlake's Pulumi program: wires the components in data-flow order for one stack
// (dev, prod). Config is read and checked once in config.ts; names come from
// functions/core/resources.ts, shared with the local runtime.
import * as gcp from '@pulumi/gcp';
import type * as pulumi from '@pulumi/pulumi';
import { DATASET, FUNCTIONS, TABLES, type FunctionName } from '../functions/core/resources.ts';
import { ChatWebhook } from './components/chat-webhook.ts';
import { DetectAlerts } from './components/detect-alerts.ts';
import { Functions } from './components/functions.ts';
import { Ingestion } from './components/ingestion.ts';
import { Lake } from './components/lake.ts';
import { Observability } from './components/observability.ts';
import { Panel } from './components/panel.ts';
import { SiteRowAccess } from './components/site-row-access.ts';
import { Schedule } from './components/schedule.ts';
import { StaleSweep } from './components/stale-sweep.ts';
import { Warehouse } from './components/warehouse.ts';
import { loadConfig, NAMESPACE } from './config.ts';
import { functionSource, type FunctionSource } from './sources.ts';
import { loadViews } from './views.ts';
import { panelSource } from './panel-source.ts';

const cfg = loadConfig();
// Everything read from the repository is read and checked before the first resource is
// declared, so a missing build or a broken view fails the run with nothing half-done.
const sources = Object.fromEntries(FUNCTIONS.map((fn) => [fn, functionSource(cfg.functionsDistDir, fn, `${NAMESPACE}:functionsDistDir`)])) as Record<
  FunctionName,
  FunctionSource
>;
const panelArchive = panelSource(cfg.functionsDistDir, `${NAMESPACE}:functionsDistDir`);
const views = loadViews(
  cfg.viewsDir,
  cfg.project,
  DATASET,
  Object.values(TABLES).map((t) => t.name),
);

// One explicit provider: every resource lands in the configured project and region, whatever
// gcloud's defaults are on the deploying machine, and carries the app/env labels.
const provider = new gcp.Provider('gcp', {
  project: cfg.project,
  region: cfg.region,
  defaultLabels: { app: 'plantlake', env: cfg.stack },
});
const opts: pulumi.ComponentResourceOptions = { providers: [provider] };
const projectNumber = gcp.organizations.getProjectOutput({ projectId: cfg.project }, { provider }).apply((p) => p.number ?? '');

const ingestion = new Ingestion('ingestion', { projectNumber, readingsPublishers: cfg.readingsPublishers }, opts);

const lake = new Lake(
  'lake',
  {
    location: cfg.region.toUpperCase(),
    bucketPrefix: cfg.bucketPrefix,
    retentionDays: cfg.retentionDays,
    protect: cfg.protect,
    rulesFile: cfg.rulesFile,
    tagCatalogFile: cfg.tagCatalogFile,
  },
  opts,
);

const warehouse = new Warehouse(
  'warehouse',
  {
    project: cfg.project,
    location: cfg.bigQueryLocation,
    protect: cfg.protect,
    analystGroup: cfg.analystGroup,
    views,
  },
  opts,
);

const chatWebhook = new ChatWebhook('chat-webhook', { region: cfg.region, url: cfg.chatWebhookUrl }, opts);

const functions = new Functions(
  'functions',
  {
    project: cfg.project,
    projectNumber,
    region: cfg.region,
    stack: cfg.stack,
    settings: cfg.functions,
    sources,
    topics: ingestion.topics,
    rawBucket: lake.raw,
    configBucket: lake.config,
    sourcesBucket: lake.functionSources,
    dataset: warehouse.dataset,
    coldlineAgeDays: cfg.coldlineAgeDays,
    retentionDays: cfg.retentionDays,
    chatWebhook,
    chatWebhookFormat: cfg.chatWebhookFormat,
    alarmEmails: cfg.alarmEmails,
    stateShards: cfg.stateShards,
    configCheckSeconds: cfg.configCheckSeconds,
    notifyThrottleSeconds: cfg.notifyThrottleSeconds,
  },
  opts,
);

const schedule = new Schedule(
  'schedule',
  {
    project: cfg.project,
    region: cfg.region,
    daily: functions.services.daily,
    schedule: cfg.dailySchedule,
    timeZone: cfg.dailyTimeZone,
    attemptDeadlineSeconds: cfg.functions.daily.timeoutSeconds,
  },
  opts,
);

const staleSweep = new StaleSweep('stale-sweep', { project: cfg.project, region: cfg.region, sweep: functions.services.sweep }, opts);

const observability = new Observability(
  'observability',
  {
    stack: cfg.stack,
    operationsEmails: cfg.operationsEmails,
    alarmEmails: cfg.alarmEmails,
    dailyService: functions.services.daily.fn.name,
    notifyService: functions.services.notify.fn.name,
    quarantineAlertThreshold: cfg.quarantineAlertThreshold,
  },
  opts,
);

new DetectAlerts(
  'detect-alerts',
  {
    stack: cfg.stack,
    notificationChannels: observability.opsChannels,
    landService: functions.services.land.fn.name,
    detectService: functions.services.detect.fn.name,
  },
  opts,
);

// The live panel and the same per-site access in BigQuery.
const panel = new Panel(
  'panel',
  {
    project: cfg.project,
    projectNumber,
    region: cfg.region,
    stack: cfg.stack,
    protect: cfg.protect,
    rawBucket: lake.raw,
    configBucket: lake.config,
    sourcesBucket: lake.functionSources,
    source: panelArchive,
    access: cfg.panelAccess,
  },
  opts,
);
new SiteRowAccess(
  'site-row-access',
  {
    project: cfg.project,
    dataset: warehouse.dataset,
    tables: warehouse.tables,
    access: cfg.panelAccess,
    fullAccess: [`group:${cfg.analystGroup}`, functions.services.daily.member],
  },
  opts,
);

export const panelUri = panel.uri;
export const buckets = { raw: lake.raw.name, config: lake.config.name, functionSources: lake.functionSources.name };
export const topics = { readings: ingestion.topics.readings.name, alerts: ingestion.topics.alerts.name };
export const dataset = warehouse.dataset.datasetId;
export const functionUris = {
  detect: functions.services.detect.uri,
  land: functions.services.land.uri,
  notify: functions.services.notify.uri,
  daily: functions.services.daily.uri,
  sweep: functions.services.sweep.uri,
};
export const dailyJob = schedule.job.name;
export const sweepJob = staleSweep.job.name;
