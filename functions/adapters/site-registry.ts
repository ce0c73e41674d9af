// The list of sites that have an alarm state (OBJECTS.alarmSites), which the STALE sweep walks.
// A list object rather than a bucket listing: the sweep's and detect's grants are limited by an
// IAM condition to object names under state/ and alarm-events/, and a condition on object names
// cannot grant storage.objects.list (listing is checked on the bucket). detect adds a site once
// per instance (kept in memory), with a generation precondition so racing instances merge.
import type { Bucket } from '@google-cloud/storage';
import { OBJECTS } from '../core/index.ts';
import { isNotFound, isPreconditionFailed } from './storage-errors.ts';
import { commitBackoff } from './site-commit.ts';

export interface SiteRegistry {
  /** Makes sure `site` is listed (a no-op once this instance has seen it listed). */
  ensure(site: string): Promise<void>;
  /** Every listed site, sorted. */
  list(): Promise<string[]>;
}

const MAX_ATTEMPTS = 10;

export function createSiteRegistry(bucket: Bucket): SiteRegistry {
  const file = () => bucket.file(OBJECTS.alarmSites);
  const known = new Set<string>();

  async function read(): Promise<{ sites: string[]; generation: number }> {
    for (;;) {
      let generation: number;
      try {
        const [meta] = await file().getMetadata();
        generation = Number(meta.generation);
      } catch (err) {
        if (isNotFound(err)) return { sites: [], generation: 0 };
        throw err;
      }
      let text: string;
      try {
        // That exact generation, so content and generation belong together.
        const [bytes] = await bucket.file(OBJECTS.alarmSites, { generation }).download();
        text = bytes.toString('utf8');
      } catch (err) {
        if (isNotFound(err)) continue; // replaced in between: read again
        throw err;
      }
      let value: { sites?: unknown };
      try {
        value = JSON.parse(text) as { sites?: unknown };
      } catch {
        throw new Error(
          `gs://${bucket.name}/${OBJECTS.alarmSites} is not JSON; delete it (detect lists every site again as its batches arrive) or restore its previous generation`,
        );
      }
      const sites = Array.isArray(value.sites) ? value.sites.filter((s): s is string => typeof s === 'string') : [];
      return { sites, generation };
    }
  }

  return {
    async ensure(site) {
      if (known.has(site)) return;
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        if (attempt > 1) await commitBackoff(attempt);
        const { sites, generation } = await read();
        for (const s of sites) known.add(s);
        if (known.has(site)) return;
        const next = [...new Set([...sites, site])].sort();
        try {
          // The generation read with the content: a write in between fails with 412 and we merge again.
          await file().save(JSON.stringify({ sites: next }), {
            resumable: false,
            preconditionOpts: { ifGenerationMatch: generation },
            metadata: { contentType: 'application/json' },
          });
          known.add(site);
          return;
        } catch (err) {
          if (!isPreconditionFailed(err)) throw err;
        }
      }
      throw new Error(
        `could not add site ${site} to gs://${bucket.name}/${OBJECTS.alarmSites}: it changed ${MAX_ATTEMPTS} times in a row; the batch is retried`,
      );
    },
    async list() {
      return (await read()).sites.sort();
    },
  };
}
