// The live panel: a Cloud Run service (Node 24, run from its source archive on Google's nodejs24
// base image, no build step) behind Identity-Aware Proxy. Nobody reaches it without IAP: no
// allUsers invoker, run.invoker for the IAP service agent alone, and IAP access per principal,
// site principals with a condition on the request path of their site (the panel checks the same
// list again in every request). Its own service account reads only gs://RAW/live/ and the tag
// catalog; it lists nothing.
// https://cloud.google.com/run/docs/securing/identity-aware-proxy-cloud-run
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { OBJECTS } from '../../functions/core/resources.ts';
import type { PanelAccess } from '../../functions/core/panel-access.ts';
import { ENV } from '../../functions/core/function-env.ts';
import type { PanelEnvKey } from '../env.ts';
import { objectPrefixCondition, ROLES, serviceAccountMember } from '../iam.ts';
import type { PanelSource } from '../panel-source.ts';

export const PANEL_SERVICE = 'plantlake-panel';
export const IAP_ACCESSOR = 'roles/iap.httpsResourceAccessor';
/** Google's Node 24 base image for source deploys without a build. */
export const PANEL_BASE_IMAGE = (region: string) => `${region}-docker.pkg.dev/serverless-runtimes/google-24-full/runtimes/nodejs24`;

export interface PanelArgs {
  readonly project: string;
  readonly projectNumber: pulumi.Input<string>;
  readonly region: string;
  readonly stack: string;
  readonly protect: boolean;
  readonly rawBucket: gcp.storage.Bucket;
  readonly configBucket: gcp.storage.Bucket;
  readonly sourcesBucket: gcp.storage.Bucket;
  readonly source: PanelSource;
  readonly access: PanelAccess;
}

/** The IAP condition of a site's principals: that site's pages and streams, and the head-office page (which the panel filters). */
export function sitePathCondition(site: string): string {
  return `request.path == "/" || request.path == "/office" || request.path == "/office/stream" || request.path == "/sites/${site}" || request.path.startsWith("/sites/${site}/")`;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export class Panel extends pulumi.ComponentResource {
  readonly serviceAccount: gcp.serviceaccount.Account;
  readonly service: gcp.cloudrunv2.Service;
  readonly uri: pulumi.Output<string>;

  constructor(name: string, args: PanelArgs, opts?: pulumi.ComponentResourceOptions) {
    super('plantlake:infra:Panel', name, {}, opts);
    const parent = { parent: this };
    this.serviceAccount = new gcp.serviceaccount.Account(
      'panel-runtime',
      {
        accountId: 'plantlake-panel',
        displayName: 'plantlake live panel',
        description: 'Runtime identity of the panel: reads live snapshots and the tag catalog only',
      },
      parent,
    );
    const member = serviceAccountMember(this.serviceAccount.email);
    const grants = [
      new gcp.storage.BucketIAMMember(
        'panel-raw-live-viewer',
        {
          bucket: args.rawBucket.name,
          role: ROLES.objectViewer,
          member,
          condition: objectPrefixCondition(args.rawBucket.name, [OBJECTS.livePrefix], 'panel: live snapshots only'),
        },
        parent,
      ),
      new gcp.storage.BucketIAMMember(
        'panel-config-catalog-viewer',
        {
          bucket: args.configBucket.name,
          role: ROLES.objectViewer,
          member,
          condition: objectPrefixCondition(args.configBucket.name, [OBJECTS.tagCatalog], 'panel: tag catalog only'),
        },
        parent,
      ),
    ];
    const archive = new gcp.storage.BucketObject(
      'panel-source',
      {
        bucket: args.sourcesBucket.name,
        name: `panel/${args.source.hash}.tar.gz`,
        source: new pulumi.asset.FileAsset(args.source.file),
        contentType: 'application/gzip',
      },
      parent,
    );
    const audience = pulumi.interpolate`/projects/${args.projectNumber}/locations/${args.region}/services/${PANEL_SERVICE}`;
    this.service = new gcp.cloudrunv2.Service(
      'panel',
      {
        name: PANEL_SERVICE,
        location: args.region,
        description: 'plantlake live panel (IAP only)',
        // IAP on Cloud Run answers on the run.app URL itself; without IAP nothing gets through (no invoker grant).
        ingress: 'INGRESS_TRAFFIC_ALL',
        iapEnabled: true,
        invokerIamDisabled: false,
        deletionProtection: args.protect,
        template: {
          serviceAccount: this.serviceAccount.email,
          // An SSE stream is one long request; the browser reconnects when Cloud Run ends it.
          timeout: '3600s',
          maxInstanceRequestConcurrency: 200,
          scaling: { minInstanceCount: 0, maxInstanceCount: 3 },
          containers: [
            {
              image: 'scratch',
              baseImageUri: PANEL_BASE_IMAGE(args.region),
              commands: ['node'],
              args: ['index.js'],
              sourceCode: { cloudStorageSource: { bucket: archive.bucket, object: archive.name, generation: archive.generation.apply(String) } },
              resources: { limits: { cpu: '1', memory: '512Mi' }, cpuIdle: true },
              envs: panelEnv({
                rawBucket: args.rawBucket.name,
                configBucket: args.configBucket.name,
                environment: args.stack,
                panelAccess: JSON.stringify(args.access),
                panelAudience: audience,
              }),
            },
          ],
        },
      },
      { parent: this, dependsOn: grants },
    );
    // IAP calls the service as its service agent; it is the only invoker.
    new gcp.cloudrunv2.ServiceIamMember(
      'panel-iap-invoker',
      {
        name: this.service.name,
        location: args.region,
        role: ROLES.runInvoker,
        member: pulumi.interpolate`serviceAccount:service-${args.projectNumber}@gcp-sa-iap.iam.gserviceaccount.com`,
      },
      parent,
    );
    const iapMember = (resource: string, m: string, condition?: { title: string; description: string; expression: string }) =>
      new gcp.iap.WebCloudRunServiceIamMember(
        resource,
        {
          project: args.project,
          location: args.region,
          cloudRunServiceName: this.service.name,
          role: IAP_ACCESSOR,
          member: m,
          ...(condition === undefined ? {} : { condition }),
        },
        parent,
      );
    for (const m of args.access.headOffice) iapMember(`panel-iap-office-${slug(m)}`, m);
    for (const [site, members] of Object.entries(args.access.sites)) {
      for (const m of members) {
        iapMember(`panel-iap-${slug(site)}-${slug(m)}`, m, {
          title: `site ${site}`,
          description: `Panel pages and streams of ${site} only`,
          expression: sitePathCondition(site),
        });
      }
    }
    this.uri = this.service.uri;
    this.registerOutputs({ uri: this.uri, serviceAccount: this.serviceAccount.email });
  }
}

/**
 * The panel's env block: exactly the variables the config table says the program sets on it (the
 * type demands each; the infra test checks the names). Listed in the caller's order, which is the
 * order deployed stacks already have, so this causes no new revision.
 */
function panelEnv(values: Readonly<Record<PanelEnvKey, pulumi.Input<string>>>): { name: string; value: pulumi.Input<string> }[] {
  return (Object.keys(values) as PanelEnvKey[]).map((k) => ({ name: ENV[k], value: values[k] }));
}
