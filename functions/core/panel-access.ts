// Who may see which site on the live panel: site → principals, plus head-office principals who
// see every site. Principals are written as IAM members (user:, serviceAccount:, domain:, group:)
// because the same list becomes IAP IAM bindings and BigQuery row access policies (infra/). The
// application checks the signed-in e-mail against user:, serviceAccount: and domain: members;
// group: members are enforced by IAP and BigQuery only (the IAP assertion carries no groups), so
// in the application they grant nothing: it fails closed. Pure: no cloud imports.
import { SITE_PATTERN } from '../../schemas/index.ts';

export interface PanelAccess {
  readonly headOffice: readonly string[];
  /** Site → principals of that site. */
  readonly sites: Readonly<Record<string, readonly string[]>>;
}

export type AccessResult = { readonly ok: true; readonly access: PanelAccess } | { readonly ok: false; readonly reason: string };

const MEMBER = /^(user|group|serviceAccount|domain):[^\s:]+$/;
const SITE = new RegExp(SITE_PATTERN);

/** Checks an access document ({headOffice: [...], sites: {S: [...]}}), naming every problem. */
export function parsePanelAccess(input: unknown, where = 'panel access'): AccessResult {
  const problems: string[] = [];
  const doc = input as { headOffice?: unknown; sites?: unknown } | null;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { ok: false, reason: `${where} must be an object {headOffice: [members], sites: {SITE: [members]}}` };
  }
  const members = (value: unknown, path: string): string[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      problems.push(`${path}: must be a list of IAM members such as "user:ana@example.com"`);
      return [];
    }
    value.forEach((m, i) => {
      if (typeof m !== 'string' || !MEMBER.test(m))
        problems.push(`${path}[${i}]: ${JSON.stringify(m)} is not an IAM member; write user:EMAIL, group:EMAIL, serviceAccount:EMAIL or domain:DOMAIN`);
    });
    return value.filter((m): m is string => typeof m === 'string' && MEMBER.test(m));
  };
  const headOffice = members(doc.headOffice, `${where}.headOffice`);
  const sites: Record<string, string[]> = {};
  if (doc.sites !== undefined && (doc.sites === null || typeof doc.sites !== 'object' || Array.isArray(doc.sites))) {
    problems.push(`${where}.sites: must map each site to its members, e.g. {"REF-01": ["user:ana@example.com"]}`);
  } else {
    for (const [site, list] of Object.entries((doc.sites ?? {}) as Record<string, unknown>)) {
      if (!SITE.test(site)) problems.push(`${where}.sites: ${JSON.stringify(site)} is not a site id (${SITE_PATTERN})`);
      else sites[site] = members(list, `${where}.sites.${site}`);
    }
  }
  if (problems.length > 0) return { ok: false, reason: `${where} has ${problems.length} problem(s): ${problems.join('; ')}` };
  return { ok: true, access: { headOffice, sites } };
}

/** Whether an IAM member covers a signed-in e-mail (group: never does here: see the header). */
export function memberCovers(member: string, email: string): boolean {
  const colon = member.indexOf(':');
  const kind = member.slice(0, colon);
  const value = member.slice(colon + 1).toLowerCase();
  const who = email.toLowerCase();
  if (kind === 'user' || kind === 'serviceAccount') return value === who;
  if (kind === 'domain') return who.endsWith(`@${value}`);
  return false;
}

export function isHeadOffice(access: PanelAccess, email: string): boolean {
  return access.headOffice.some((m) => memberCovers(m, email));
}

export function mayView(access: PanelAccess, email: string, site: string): boolean {
  return isHeadOffice(access, email) || (access.sites[site] ?? []).some((m) => memberCovers(m, email));
}

/** The sites of `allSites` the e-mail may see, in the given order. */
export function permittedSites(access: PanelAccess, email: string, allSites: readonly string[]): string[] {
  return allSites.filter((s) => mayView(access, email, s));
}

/** Every site the access names, sorted. */
export function accessSites(access: PanelAccess): string[] {
  return Object.keys(access.sites).sort();
}
