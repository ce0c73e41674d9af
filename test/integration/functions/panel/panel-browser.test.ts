/// <reference lib="dom" />
// The live panel in a real browser (Debian's Chromium through playwright-core), on the emulators:
// readings published to Pub/Sub go through detect to the live snapshot and appear on the open
// page by Server-Sent Events; tank stocks follow the strapping tables; alarms rise and clear;
// per-site access holds on pages and streams; the head office sums stock across sites.
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { OBJECTS, parseTagCatalog, stockAt, type Catalog } from '../../../../functions/core/index.ts';
import { startLocalFunctions, type LocalFunctions } from '../../../../local/functions/pipeline.ts';
import { createLocalIap } from '../../../../local/panel/local-iap.ts';
import { startLocalPanel, type LocalPanel } from '../../../../local/panel/serve-panel.ts';
import { launchChromium } from '../../../../local/panel/chromium.ts';
import { json, testPipeline, type TestPipeline } from '../support.ts';

const CATALOG_TEXT = readFileSync(new URL('../../../fixtures/panel/tags.yaml', import.meta.url), 'utf8');
const RULES = `version: "panel-test"
rules:
  - description: Tank level
    parts: { function: EGB*, equipment: CL* }
    limits: { H: 90 }
    priority: high
`;
const OFFICE = 'office@plantlake.local';
const REF_USER = 'ref-operator@plantlake.local';
const identities = {
  identities: [
    { email: OFFICE, role: 'head office' },
    { email: REF_USER, role: 'REF-01' },
  ],
  access: { headOffice: [`user:${OFFICE}`], sites: { 'REF-01': [`user:${REF_USER}`], 'REF-02': [] } },
};
const SHOTS = '.cache/panel-screens';

describe('live panel in Chromium', () => {
  let p: TestPipeline;
  let fns: LocalFunctions;
  let panel: LocalPanel;
  let browser: Browser;
  let catalog: Catalog;
  const contexts: BrowserContext[] = [];
  // Event times step forward from 20 minutes ago, so every batch is the newest of its tag.
  let clock = Date.now() - 20 * 60_000;
  let seq = 0;

  const publish = async (site: string, readings: Array<{ tag: string; value: number; quality?: 'good' | 'bad' | 'uncertain' }>) => {
    clock += 5_000;
    const batch = {
      batchId: `panel-${++seq}`,
      site,
      source: 'test',
      sentAt: new Date().toISOString(),
      readings: readings.map((r) => ({ quality: 'good', ts: new Date(clock).toISOString(), ...r })),
    };
    await p.clients.pubsub.topic(p.names.topics.readings).publishMessage({ data: json(batch), attributes: { site } });
  };
  const signIn = async (email: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${panel.url}/_local-iap/as/${encodeURIComponent(email)}`);
    return page;
  };
  const textOf = (page: Page, selector: string) => page.locator(selector).first().innerText();
  const waitText = (page: Page, selector: string, text: string) =>
    page.waitForFunction(([s, t]) => document.querySelector(s!)?.textContent?.includes(t!) === true, [selector, text] as const, { timeout: 30_000 });

  beforeAll(async () => {
    p = await testPipeline('panel');
    await p.config.file(OBJECTS.tagCatalog).save(CATALOG_TEXT, { resumable: false });
    await p.config.file(OBJECTS.rules).save(RULES, { resumable: false });
    const parsed = parseTagCatalog(CATALOG_TEXT);
    if (!parsed.ok) throw new Error(parsed.reason);
    catalog = parsed.catalog;
    fns = await startLocalFunctions({ clients: p.clients, names: p.names, functions: ['detect'], configCheckSeconds: 0, logSink: () => {} });
    panel = await startLocalPanel({ clients: p.clients, names: p.names, pollMs: 250, identities, logSink: () => {} });
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 900_000);

  afterAll(async () => {
    await Promise.allSettled(contexts.map((c) => c.close()));
    await browser?.close();
    await panel?.stop();
    await fns?.stop();
  });

  it('shows a reading published to Pub/Sub on the open site page, without a reload', async () => {
    const page = await signIn(OFFICE);
    await page.goto(`${panel.url}/sites/REF-01`);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await publish('REF-01', [{ tag: '10EGC10CP001', value: 12.34 }]);
    await waitText(page, 'tr[data-tag="10EGC10CP001"] td.value', '12.34');
    await publish('REF-01', [{ tag: '10EGC10CP001', value: 13.5, quality: 'uncertain' }]);
    await waitText(page, 'tr[data-tag="10EGC10CP001"] td.value', '13.5');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    const row = await textOf(page, 'tr[data-tag="10EGC10CP001"]');
    expect(row).toContain('Transfer pump P-201A discharge pressure');
    expect(row).toContain('bar');
    expect(row).toContain('uncertain');
    expect(await textOf(page, '#live')).toBe('live');
  });

  it("shows a tank's volume and percentage as its strapping table gives them", async () => {
    const page = await signIn(OFFICE);
    await page.goto(`${panel.url}/sites/REF-01`);
    await publish('REF-01', [{ tag: '10EGB10CL001', value: 30 }]);
    const tank = catalog.tanks.find((t) => t.tank === 'TK-101')!;
    const expected = stockAt(tank, 30); // 2300 + (30 − 5) / 45 × 22500 = 14,800 m3
    expect(expected.volume).toBeCloseTo(14_800, 6);
    await waitText(page, 'tr[data-tank="REF-01/TK-101"] td.vol', '14,800 m3');
    const cells = await textOf(page, 'tr[data-tank="REF-01/TK-101"]');
    expect(cells).toContain(`${expected.percentFull.toFixed(1)} %`);
    expect(Number(await page.locator('tr[data-tank="REF-01/TK-101"]').getAttribute('data-volume'))).toBeCloseTo(expected.volume, 6);
    await page.screenshot({ path: `${SHOTS}/site.png`, fullPage: true });
  });

  it('shows an alarm with its priority while active and removes it when it clears', async () => {
    const page = await signIn(OFFICE);
    await page.goto(`${panel.url}/sites/REF-01`);
    await publish('REF-01', [{ tag: '10EGB20CL001', value: 96 }]);
    await page.waitForSelector('tr[data-alarm="10EGB20CL001/H"]', { timeout: 30_000 });
    const alarm = await textOf(page, 'tr[data-alarm="10EGB20CL001/H"]');
    expect(alarm).toContain('high');
    expect(alarm).toContain('Tank TK-102 level');
    await page.screenshot({ path: `${SHOTS}/site-alarm.png`, fullPage: true });
    await publish('REF-01', [{ tag: '10EGB20CL001', value: 40 }]);
    await page.waitForSelector('tr[data-alarm="10EGB20CL001/H"]', { state: 'detached', timeout: 30_000 });
    expect(await textOf(page, '#alarms')).toContain('no active alarms');
  });

  it("refuses a site user another site's page and stream, and lists only their site for head office", async () => {
    await publish('REF-02', [{ tag: '40EGB10CL001', value: 77 }]);
    const page = await signIn(REF_USER);
    const own = await page.goto(`${panel.url}/sites/REF-01`);
    expect(own?.status()).toBe(200);
    for (const path of ['/sites/REF-02', '/sites/REF-02/stream', '/sites/REF-02/trend/40EGB10CL001', '/sites/REF-02/']) {
      const answer = await page.request.get(`${panel.url}${path}`);
      expect(answer.status(), path).toBe(403);
      expect(await answer.text(), path).not.toContain('40EGB10CL001');
    }
    // The browser's own EventSource is refused too (it reports an error and never gets data).
    const streamed = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const s = new EventSource('/sites/REF-02/stream');
          s.addEventListener('regions', () => resolve('data'));
          s.onerror = () => {
            s.close();
            resolve('refused');
          };
        }),
    );
    expect(streamed).toBe('refused');
    await page.goto(`${panel.url}/office`);
    const sites = await page.locator('tr[data-site]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-site')));
    expect(sites).toEqual(['REF-01']);
    expect(await page.content()).not.toContain('REF-02');
  });

  it('refuses any request to the panel without a valid IAP assertion', async () => {
    const bare = await fetch(`${panel.panelUrl}/office`);
    expect(bare.status).toBe(401);
    expect(await bare.text()).toContain('x-goog-iap-jwt-assertion');
    const forged = createLocalIap().sign(OFFICE, panel.audience); // right shape, another key
    expect((await fetch(`${panel.panelUrl}/office`, { headers: { 'x-goog-iap-jwt-assertion': forged } })).status).toBe(401);
    const wrongAudience = panel.iap.sign(OFFICE, '/projects/1/locations/x/services/other');
    expect((await fetch(`${panel.panelUrl}/office`, { headers: { 'x-goog-iap-jwt-assertion': wrongAudience } })).status).toBe(401);
    const good = panel.iap.sign(OFFICE, panel.audience);
    expect((await fetch(`${panel.panelUrl}/office`, { headers: { 'x-goog-iap-jwt-assertion': good } })).status).toBe(200);
  });

  it('sums the stock per product across every permitted site on the head-office page', async () => {
    const levels = { '10EGB10CL001': 60, '10EGB20CL001': 25, '40EGB10CL001': 50, '40EGB20CL001': 10 } as const;
    await publish('REF-01', [
      { tag: '10EGB10CL001', value: levels['10EGB10CL001'] },
      { tag: '10EGB20CL001', value: levels['10EGB20CL001'] },
    ]);
    await publish('REF-02', [
      { tag: '40EGB10CL001', value: levels['40EGB10CL001'] },
      { tag: '40EGB20CL001', value: levels['40EGB20CL001'] },
    ]);
    const volume = (tag: keyof typeof levels) => stockAt(catalog.tanks.find((t) => t.levelTag === tag)!, levels[tag]).volume;
    const crude = volume('10EGB10CL001') + volume('10EGB20CL001') + volume('40EGB10CL001');
    const diesel = volume('40EGB20CL001');
    const page = await signIn(OFFICE);
    await page.goto(`${panel.url}/office`);
    const shown = (product: string) => page.locator(`tr[data-product="${product}"]`).getAttribute('data-volume').then(Number);
    await page.waitForFunction(
      ([c, d]) => {
        const v = (p: string) => Number(document.querySelector(`tr[data-product="${p}"]`)?.getAttribute('data-volume'));
        return Math.abs(v('crude') - c!) < 1e-6 && Math.abs(v('diesel') - d!) < 1e-6;
      },
      [crude, diesel] as const,
      { timeout: 30_000 },
    );
    expect(await shown('crude')).toBeCloseTo(crude, 6);
    expect(await shown('diesel')).toBeCloseTo(diesel, 6);
    expect(await textOf(page, 'tr[data-product="crude"] td.vol')).toBe(`${Math.round(crude).toLocaleString('en-GB')} m3`);
    const sites = await page.locator('tr[data-site]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-site')));
    expect(sites).toEqual(['REF-01', 'REF-02']);
    await page.screenshot({ path: `${SHOTS}/office.png`, fullPage: true });
  });
});
