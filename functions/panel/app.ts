// The panel as a Hono app: every request must carry a valid IAP assertion (401 otherwise), and
// every route that names a site checks the signed-in e-mail against the access config (403, no
// data): pages, streams and trends alike; the head-office page lists only permitted sites.
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { accessSites, mayView, officeView, permittedSites, siteView, tagSeries, type PanelAccess } from '../core/index.ts';
import type { Logger } from '../adapters/log.ts';
import { IAP_HEADER, type IapVerifier } from './iap-assertion.ts';
import { errorPage, officePage, officeRegions, sitePage, siteRegions, trendPage } from './pages.ts';
import type { SnapshotSource } from './snapshot-source.ts';

export interface PanelOptions {
  readonly verifier: IapVerifier;
  readonly access: PanelAccess;
  readonly source: SnapshotSource;
  readonly log: Logger;
  /** How often a stream looks for a newer snapshot; default 1000 ms. */
  readonly pollMs?: number;
  readonly now?: () => number;
}

type Env = { Variables: { email: string } };

export function createPanelApp(options: PanelOptions): Hono<Env> {
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 1000;
  const app = new Hono<Env>();

  const knownSites = async (): Promise<string[]> => {
    const catalog = await options.source.catalog();
    return [...new Set([...accessSites(options.access), ...(catalog?.entries.map((e) => e.site) ?? [])])].sort();
  };
  const forbidden = (c: Context<Env>, site: string) => {
    options.log.warn(`${c.get('email')} was refused site ${site} (${c.req.path})`, { event: 'panel.forbidden', site, path: c.req.path });
    return c.html(
      errorPage(
        403,
        'Forbidden',
        `You (${c.get('email')}) may not see site ${site}. Ask the platform team to add you to the site's principals (stack config plantlake:panelSiteAccess; locally local/panel/identities.yaml).`,
        c.get('email'),
      ),
      403,
    );
  };
  const siteViewOf = async (site: string) => siteView(site, await options.source.snapshot(site), await options.source.catalog());

  app.use('*', async (c, next) => {
    const identity = await options.verifier.verify(c.req.header(IAP_HEADER));
    if (!identity.ok) {
      options.log.warn(`refused a request without a valid IAP assertion: ${identity.reason}`, { event: 'panel.unauthenticated', path: c.req.path });
      return c.html(errorPage(401, 'Not signed in', identity.reason), 401);
    }
    c.set('email', identity.email);
    await next();
    c.header('Cache-Control', 'no-store');
    return undefined;
  });

  // Every /sites/:site route passes here first.
  const siteGate = async (c: Context<Env>, next: () => Promise<void>) => {
    const site = c.req.param('site') ?? '';
    if (!mayView(options.access, c.get('email'), site)) return forbidden(c, site);
    if (!(await knownSites()).includes(site))
      return c.html(errorPage(404, 'Unknown site', `There is no site ${site} in the catalog or the access config.`, c.get('email')), 404);
    await next();
    return undefined;
  };
  app.use('/sites/:site', siteGate);
  app.use('/sites/:site/*', siteGate);

  app.get('/', (c) => c.redirect('/office'));

  app.get('/office', async (c) => {
    const sites = permittedSites(options.access, c.get('email'), await knownSites());
    const view = officeView(await Promise.all(sites.map(siteViewOf)));
    return c.html(officePage(view, c.get('email'), now()));
  });

  app.get('/office/stream', (c) =>
    stream(c, async () => {
      const sites = permittedSites(options.access, c.get('email'), await knownSites());
      const views = await Promise.all(sites.map(siteViewOf));
      return { key: views.map((v) => `${v.site}@${v.updatedAt}`).join(','), regions: () => officeRegions(officeView(views), now()) };
    }),
  );

  app.get('/sites/:site', async (c) => c.html(sitePage(await siteViewOf(c.req.param('site')), c.get('email'), now())));

  app.get('/sites/:site/stream', (c) =>
    stream(c, async () => {
      const view = await siteViewOf(c.req.param('site'));
      return { key: String(view.updatedAt), regions: () => siteRegions(view, now()) };
    }),
  );

  app.get('/sites/:site/trend/:tag', async (c) => {
    const site = c.req.param('site');
    const tag = c.req.param('tag');
    const series = tagSeries(await options.source.snapshot(site), tag);
    if (series === null) return c.html(errorPage(404, 'Unknown tag', `Site ${site} has no recent readings of ${tag}.`, c.get('email')), 404);
    const entry = (await options.source.catalog())?.get(site, tag);
    return c.html(trendPage(site, tag, entry?.description ?? null, entry?.unit ?? null, series, c.get('email')));
  });

  /** Sends the regions whenever the snapshot behind them changed, checking every pollMs. */
  function stream(c: Context<Env>, load: () => Promise<{ key: string; regions: () => Record<string, string> }>) {
    return streamSSE(c, async (sse) => {
      let last: string | null = null;
      let open = true;
      sse.onAbort(() => {
        open = false;
      });
      while (open) {
        try {
          const current = await load();
          if (current.key !== last) {
            last = current.key;
            await sse.writeSSE({ event: 'regions', data: JSON.stringify(current.regions()) });
          }
        } catch (err) {
          options.log.error(`live stream could not read a snapshot, retrying: ${err instanceof Error ? err.message : String(err)}`, {
            event: 'panel.stream-error',
            path: c.req.path,
          });
        }
        await sse.sleep(pollMs);
      }
    });
  }

  return app;
}
