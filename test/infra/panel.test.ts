// The live panel's stack resources under Pulumi mocks, with a head-office member, two sites and a
// member in both: IAP in front of the Cloud Run service and nothing else, IAP access conditioned
// on each site's paths, the panel's identity limited to live/ and the catalog, and BigQuery row
// access per site on readings and alarm_events.
import { beforeAll, describe, expect, test } from 'vitest';
import { bucketNames, DATASET } from '../../functions/core/resources.ts';
import { PANEL_ENV } from '../../functions/panel/settings.ts';
import { ENV, pulumiKeysOf } from '../../infra/env.ts';
import { type Run, runProgram, strings } from './harness.ts';

const RUN = 'gcp:cloudrunv2/service:Service';
const IAP = 'gcp:iap/webCloudRunServiceIamMember:WebCloudRunServiceIamMember';
const RAP = 'gcp:bigquery/rowAccessPolicy:RowAccessPolicy';
const OFFICE = 'group:head-office@example.com';
const REF = 'group:ref-01@example.com';
const BOTH = 'user:ana@example.com';

describe('panel stack', () => {
  let run: Run;
  beforeAll(async () => {
    run = await runProgram('prod', {
      overrides: {
        'plantlake:panelHeadOffice': JSON.stringify([OFFICE]),
        'plantlake:panelSiteAccess': JSON.stringify([`REF-01=${REF}`, `REF-01=${BOTH}`, `WELL-01=${BOTH}`]),
      },
    });
  }, 60_000);

  test('the service runs on Node 24 from its archive, as its own account, with IAP on', () => {
    const s = run.one(RUN, 'panel').inputs;
    expect(s.iapEnabled).toBe(true);
    expect(s.invokerIamDisabled).toBe(false);
    expect(s.template.serviceAccount).toBe(`plantlake-panel@${run.project}.iam.gserviceaccount.com`);
    const c = s.template.containers[0];
    expect(c.baseImageUri).toMatch(/runtimes\/nodejs24$/);
    expect([c.commands, c.args]).toEqual([['node'], ['index.js']]);
    expect(c.sourceCode.cloudStorageSource.object).toMatch(/^panel\/[0-9a-f]{16}\.tar\.gz$/);
    const env = Object.fromEntries(c.envs.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env[PANEL_ENV.audience]).toBe(`/projects/123456789012/locations/${run.region}/services/plantlake-panel`);
    expect(JSON.parse(env[PANEL_ENV.access])).toEqual({ headOffice: [OFFICE], sites: { 'REF-01': [REF, BOTH], 'WELL-01': [BOTH] } });
    expect(env[PANEL_ENV.localKeys]).toBeUndefined();
    // Exactly what the config table says the program sets on the panel (function-env.ts).
    expect(Object.keys(env).sort()).toEqual(
      pulumiKeysOf('panel')
        .map((k) => ENV[k])
        .sort(),
    );
  });

  test('nobody invokes it but the IAP service agent; no public member', () => {
    const invokers = run.resources.filter((r) => r.type === 'gcp:cloudrunv2/serviceIamMember:ServiceIamMember' && r.inputs.name === 'plantlake-panel');
    expect(invokers.map((r) => [r.inputs.role, r.inputs.member])).toEqual([
      ['roles/run.invoker', 'serviceAccount:service-123456789012@gcp-sa-iap.iam.gserviceaccount.com'],
    ]);
    for (const r of run.resources)
      expect(
        strings(r.inputs).filter((x) => /allUsers|allAuthenticatedUsers/.test(x)),
        r.name,
      ).toEqual([]);
  });

  test('IAP access: head office everywhere, each site member on its own site paths only', () => {
    const members = run
      .ofType(IAP)
      .map((r) => ({ member: r.inputs.member, service: r.inputs.cloudRunServiceName, role: r.inputs.role, condition: r.inputs.condition?.expression ?? null }));
    expect(members.every((m) => m.service === 'plantlake-panel' && m.role === 'roles/iap.httpsResourceAccessor')).toBe(true);
    expect(members.filter((m) => m.member === OFFICE)).toEqual([
      { member: OFFICE, service: 'plantlake-panel', role: 'roles/iap.httpsResourceAccessor', condition: null },
    ]);
    const conditionsOf = (m: string) =>
      members
        .filter((x) => x.member === m)
        .map((x) => x.condition as string)
        .sort();
    expect(conditionsOf(REF)).toHaveLength(1);
    expect(conditionsOf(BOTH)).toHaveLength(2);
    const [ref] = conditionsOf(REF);
    expect(ref).toContain('request.path == "/sites/REF-01"');
    expect(ref).toContain('request.path.startsWith("/sites/REF-01/")');
    expect(ref).not.toContain('WELL-01');
    expect(conditionsOf(BOTH).some((c) => c.includes('request.path.startsWith("/sites/WELL-01/")'))).toBe(true);
    // Every site member's access is conditioned: no unconditioned IAP grant but head office's.
    expect(members.filter((m) => m.condition === null).map((m) => m.member)).toEqual([OFFICE]);
  });

  test("the panel's account reads only live snapshots and the tag catalog", () => {
    const b = bucketNames(run.config['plantlake:bucketPrefix'] ?? '');
    const grants = run.resources.filter(
      (r) => /IAMMember|IamMember/.test(r.type) && r.inputs.member === `serviceAccount:plantlake-panel@${run.project}.iam.gserviceaccount.com`,
    );
    expect(grants.map((g) => [g.inputs.bucket, g.inputs.role, g.inputs.condition.expression]).sort()).toEqual([
      [b.config, 'roles/storage.objectViewer', `resource.name.startsWith("projects/_/buckets/${b.config}/objects/catalog/tags.yaml")`],
      [b.raw, 'roles/storage.objectViewer', `resource.name.startsWith("projects/_/buckets/${b.raw}/objects/live/")`],
    ]);
  });

  test('BigQuery: a row access policy per site on readings and alarm_events, and a TRUE policy for full readers', () => {
    const policies = run.ofType(RAP).map((r) => ({
      table: r.inputs.tableId,
      id: r.inputs.policyId,
      filter: r.inputs.filterPredicate,
      grantees: [...r.inputs.grantees].sort(),
      dataset: r.inputs.datasetId,
    }));
    for (const table of ['readings', 'alarm_events']) {
      const of = policies.filter((p) => p.table === table);
      expect(of.every((p) => p.dataset === DATASET)).toBe(true);
      expect(of.find((p) => p.id === 'site_REF_01')).toMatchObject({ filter: 'site = "REF-01"', grantees: [REF, BOTH].sort() });
      expect(of.find((p) => p.id === 'site_WELL_01')).toMatchObject({ filter: 'site = "WELL-01"', grantees: [BOTH] });
      expect(of.find((p) => p.id === 'all_sites')).toMatchObject({
        filter: 'TRUE',
        grantees: [OFFICE, `group:${run.config['plantlake:analystGroup']}`, `serviceAccount:plantlake-fn-daily@${run.project}.iam.gserviceaccount.com`].sort(),
      });
      expect(of).toHaveLength(3);
    }
    expect(policies).toHaveLength(6);
  });
});
