// Stack config of the live panel: who sees which site. Two keys, since Pulumi project config
// declares strings, numbers, booleans and lists only: panelHeadOffice (IAM members who see every
// site) and panelSiteAccess ("SITE=member" items). The same list drives IAP access (with a path
// condition per site), the panel's own check, and BigQuery row access per site.
import { parsePanelAccess, type PanelAccess } from '../functions/core/panel-access.ts';
import { SITE_PATTERN } from '../schemas/reading-batch.ts';
import { member } from './config-checks.ts';
import type { ConfigReader } from './config-readers.ts';

const SITE = new RegExp(SITE_PATTERN);

function siteItem(v: string): string | undefined {
  const eq = v.indexOf('=');
  if (eq < 0) return 'write SITE=member, e.g. REF-01=group:ref-01-operators@example.com';
  if (!SITE.test(v.slice(0, eq))) return `"${v.slice(0, eq)}" is not a site id`;
  return member(v.slice(eq + 1));
}

export function readPanelConfig(r: ConfigReader): PanelAccess | undefined {
  const headOffice = r.stringList({
    key: 'panelHeadOffice',
    expect: 'a list of IAM members who see every site on the panel',
    example: 'group:head-office@example.com',
    item: member,
    minItems: 0,
  });
  const siteAccess = r.stringList({
    key: 'panelSiteAccess',
    expect: 'a list of SITE=member items: who sees which site on the panel and in BigQuery',
    example: 'REF-01=group:ref-01-operators@example.com',
    item: siteItem,
    minItems: 0,
  });
  if (headOffice === undefined || siteAccess === undefined) return undefined;
  const sites: Record<string, string[]> = {};
  for (const item of siteAccess) {
    const eq = item.indexOf('=');
    (sites[item.slice(0, eq)] ??= []).push(item.slice(eq + 1));
  }
  const parsed = parsePanelAccess({ headOffice, sites }, 'plantlake:panelSiteAccess');
  if (!parsed.ok) {
    r.problem(parsed.reason);
    return undefined;
  }
  return parsed.access;
}
