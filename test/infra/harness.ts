// Runs the Pulumi program in process under Pulumi's mocks, for one stack, with the stack config
// the CLI would hand it: the defaults declared in Pulumi.yaml overlaid with Pulumi.<stack>.yaml.
// Every resource registration is captured as the engine would receive it: type, name, inputs,
// provider, parent and the protect flag.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { FUNCTIONS } from '../../functions/core/resources.ts';

const ROOT = new URL('../../', import.meta.url);

/** Resource type tokens the tests look for. */
export const T = {
  provider: 'pulumi:providers:gcp',
  topic: 'gcp:pubsub/topic:Topic',
  subscription: 'gcp:pubsub/subscription:Subscription',
  bucket: 'gcp:storage/bucket:Bucket',
  bucketObject: 'gcp:storage/bucketObject:BucketObject',
  dataset: 'gcp:bigquery/dataset:Dataset',
  table: 'gcp:bigquery/table:Table',
  fn: 'gcp:cloudfunctionsv2/function:Function',
  account: 'gcp:serviceaccount/account:Account',
  job: 'gcp:cloudscheduler/job:Job',
  channel: 'gcp:monitoring/notificationChannel:NotificationChannel',
  policy: 'gcp:monitoring/alertPolicy:AlertPolicy',
  logMetric: 'gcp:logging/metric:Metric',
  secret: 'gcp:secretmanager/secret:Secret',
  secretVersion: 'gcp:secretmanager/secretVersion:SecretVersion',
  repository: 'gcp:artifactregistry/repository:Repository',
  projectIam: 'gcp:projects/iAMMember:IAMMember',
} as const;

/** The chat webhook secret a stack gets in tests (never in the yaml files). */
export const TEST_WEBHOOK = 'https://chat.example.com/v1/spaces/TEST/messages?key=do-not-leak-4711';

export interface Captured {
  readonly type: string;
  readonly name: string;
  // Inputs as the engine gets them: plain JSON-like values.
  readonly inputs: any;
  readonly custom: boolean;
  readonly provider: string;
  readonly parent: string;
  readonly protect: boolean;
}

export interface Run {
  readonly stack: string;
  readonly config: Readonly<Record<string, string>>;
  readonly resources: readonly Captured[];
  readonly project: string;
  readonly region: string;
  readonly distDir: string;
  ofType(type: string): Captured[];
  one(type: string, name: string): Captured;
}

const encode = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Project-level config declarations in Pulumi.yaml. */
export function declaredConfig(): Record<string, { type: string; default?: unknown; secret?: boolean }> {
  const project = parse(readFileSync(new URL('Pulumi.yaml', ROOT), 'utf8')) as { config: Record<string, never> };
  return project.config;
}

/** Config as the CLI passes it: Pulumi.yaml defaults, then the stack file (secure values skipped). */
export function stackConfig(stack: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, decl] of Object.entries(declaredConfig())) {
    if (decl.default !== undefined) out[`plantlake:${key}`] = encode(decl.default);
  }
  const file = parse(readFileSync(new URL(`Pulumi.${stack}.yaml`, ROOT), 'utf8')) as { config: Record<string, unknown> };
  for (const [key, value] of Object.entries(file.config)) {
    if (value && typeof value === 'object' && 'secure' in value) continue;
    out[key] = encode(value);
  }
  return out;
}

/** A stand-in for `npm run build`: one folder per function with index.js, package.json and a lock. */
export function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plantlake-dist-'));
  for (const fn of FUNCTIONS) {
    mkdirSync(join(dir, fn));
    writeFileSync(join(dir, fn, 'index.js'), `export const name = ${JSON.stringify(fn)};\n`);
    writeFileSync(join(dir, fn, 'package.json'), JSON.stringify({ name: fn, type: 'module', main: 'index.js' }));
    writeFileSync(join(dir, fn, 'package-lock.json'), JSON.stringify({ name: fn, lockfileVersion: 3, requires: true, packages: { '': { name: fn } } }));
  }
  return dir;
}

/** Outputs the mocked cloud computes for a resource (ids, e-mails, URLs), as the real one would. */
function computed(type: string, name: string, inputs: any, project: string, region: string): { id: string; state: object } {
  const s = (id: string, extra: object = {}) => ({ id, state: { ...inputs, ...extra } });
  switch (type) {
    case 'gcp:serviceaccount/account:Account': {
      const email = `${inputs.accountId}@${project}.iam.gserviceaccount.com`;
      const id = `projects/${project}/serviceAccounts/${email}`;
      return s(id, { email, name: id, member: `serviceAccount:${email}` });
    }
    case 'gcp:pubsub/topic:Topic':
      return s(`projects/${project}/topics/${inputs.name}`);
    case 'gcp:pubsub/subscription:Subscription':
      return s(`projects/${project}/subscriptions/${inputs.name}`);
    case 'gcp:storage/bucket:Bucket':
      return s(inputs.name, { url: `gs://${inputs.name}` });
    case 'gcp:storage/bucketObject:BucketObject':
      return s(`${inputs.bucket}-${inputs.name}`, { generation: 1 });
    case 'gcp:bigquery/dataset:Dataset':
      return s(`projects/${project}/datasets/${inputs.datasetId}`);
    case 'gcp:cloudfunctionsv2/function:Function': {
      const uri = `https://${inputs.name}-mock-${region}.a.run.app`;
      return s(`projects/${project}/locations/${region}/functions/${inputs.name}`, {
        url: `https://${region}-${project}.cloudfunctions.net/${inputs.name}`,
        serviceConfig: { ...inputs.serviceConfig, uri, service: `projects/${project}/locations/${region}/services/${inputs.name}` },
      });
    }
    case 'gcp:artifactregistry/repository:Repository':
      return s(`projects/${project}/locations/${inputs.location}/repositories/${inputs.repositoryId}`, {
        name: inputs.repositoryId,
      });
    case 'gcp:secretmanager/secret:Secret':
      return s(`projects/${project}/secrets/${inputs.secretId}`, { name: `projects/${project}/secrets/${inputs.secretId}` });
    case 'gcp:secretmanager/secretVersion:SecretVersion':
      return s(`${inputs.secret}/versions/1`, { version: '1', name: `${inputs.secret}/versions/1` });
    case 'gcp:monitoring/notificationChannel:NotificationChannel':
      return s(`projects/${project}/notificationChannels/${name}`, { name: `projects/${project}/notificationChannels/${name}` });
    case 'gcp:cloudscheduler/job:Job':
      return s(`projects/${project}/locations/${region}/jobs/${inputs.name}`);
    default:
      return s(`${name}-id`);
  }
}

export interface RunOptions {
  /** Config values replacing the stack's (full keys). */
  readonly overrides?: Readonly<Record<string, string>>;
  /** Receives `type::name` of each registration as it happens (to check a failed run declared nothing). */
  readonly registrations?: string[];
}

/** Runs infra/index.ts once. Call once per test file: Pulumi's runtime state is per process. */
export async function runProgram(stack: string, options: RunOptions = {}): Promise<Run> {
  const distDir = fakeBuild();
  const config: Record<string, string> = {
    ...stackConfig(stack),
    'plantlake:functionsDistDir': distDir,
    'plantlake:chatWebhookUrl': TEST_WEBHOOK,
    ...options.overrides,
  };
  const project = config['plantlake:project'] ?? '';
  const region = config['plantlake:region'] ?? '';

  const registered: Omit<Captured, 'protect' | 'parent'>[] = [];
  const flags = new Map<string, { protect: boolean; parent: string }>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        options.registrations?.push(`${args.type}::${args.name}`);
        registered.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          custom: args.custom ?? false,
          provider: args.provider ?? '',
        });
        return computed(args.type, args.name, args.inputs, project, region);
      },
      call(args) {
        if (args.token === 'gcp:organizations/getProject:getProject') {
          return { projectId: args.inputs.projectId, number: '123456789012', name: args.inputs.projectId };
        }
        throw new Error(`unexpected invoke ${args.token}`);
      },
    },
    'plantlake',
    stack,
    false,
  );
  // The mock monitor does not pass resource options to the mocks; read them off the request.
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: unknown) => {
    flags.set(`${req.getType()}::${req.getName()}`, { protect: req.getProtect() === true, parent: req.getParent() });
    return register(req, callback);
  };
  pulumi.runtime.setAllConfig(config, ['plantlake:chatWebhookUrl']);

  await import('../../infra/index.ts');
  // Let every registration reach the mocks before reading them.
  await pulumi.runtime.disconnect();

  const resources: Captured[] = registered.map((r) => ({
    ...r,
    protect: flags.get(`${r.type}::${r.name}`)?.protect ?? false,
    parent: flags.get(`${r.type}::${r.name}`)?.parent ?? '',
  }));
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  return {
    stack,
    config,
    resources,
    project,
    region,
    distDir,
    ofType,
    one(type, name) {
      const found = resources.filter((r) => r.type === type && r.name === name);
      if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
      return found[0] as Captured;
    },
  };
}

/** Every string anywhere inside a value. */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}
