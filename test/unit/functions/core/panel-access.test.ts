import { describe, expect, it } from 'vitest';
import { isHeadOffice, mayView, memberCovers, parsePanelAccess, permittedSites } from '../../../../functions/core/index.ts';

const doc = {
  headOffice: ['group:office@example.com', 'user:boss@example.com'],
  sites: { 'REF-01': ['user:ana@example.com', 'domain:ref01.example.com'], 'WELL-01': ['group:well@example.com'] },
};

describe('panel access', () => {
  it('gives head office every site and a site user only theirs', () => {
    const parsed = parsePanelAccess(doc);
    if (!parsed.ok) throw new Error(parsed.reason);
    const a = parsed.access;
    expect(permittedSites(a, 'boss@example.com', ['REF-01', 'WELL-01', 'FDR-01'])).toEqual(['REF-01', 'WELL-01', 'FDR-01']);
    expect(permittedSites(a, 'Ana@Example.com', ['REF-01', 'WELL-01'])).toEqual(['REF-01']);
    expect(permittedSites(a, 'joe@ref01.example.com', ['REF-01', 'WELL-01'])).toEqual(['REF-01']);
    expect(mayView(a, 'ana@example.com', 'WELL-01')).toBe(false);
    expect(isHeadOffice(a, 'ana@example.com')).toBe(false);
  });

  it('grants nothing in the application through a group (IAP and BigQuery enforce those): fails closed', () => {
    expect(memberCovers('group:well@example.com', 'well@example.com')).toBe(false);
    expect(memberCovers('domain:example.com', 'x@evil-example.com')).toBe(false);
    expect(memberCovers('serviceAccount:bot@p.iam.gserviceaccount.com', 'bot@p.iam.gserviceaccount.com')).toBe(true);
  });

  it('names every problem of a bad access document', () => {
    const bad = parsePanelAccess({ headOffice: ['boss@example.com'], sites: { 'bad site': [], 'REF-01': 'user:a@b.c' } });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.reason).toContain('3 problem(s)');
    expect(bad.reason).toContain('headOffice[0]: "boss@example.com" is not an IAM member; write user:EMAIL');
    expect(bad.reason).toContain('"bad site" is not a site id');
    expect(bad.reason).toContain('sites.REF-01: must be a list');
    expect(parsePanelAccess(null).ok).toBe(false);
  });
});
