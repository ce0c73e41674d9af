// `plantlake rules validate|push` and `plantlake tags import`: check a rules or tag catalog file
// with the core's own parsers (the ones detect, notify and daily use), then upload it to the
// config bucket, where detect picks up a new rules generation without a redeploy.
import type { Storage } from '@google-cloud/storage';
import { OBJECTS, parseRules, parseTagCatalog } from '../functions/core/index.ts';

export type Checked = { ok: true; summary: string } | { ok: false; reason: string };

export function checkRules(text: string): Checked {
  const parsed = parseRules(text);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  return { ok: true, summary: `rules version ${parsed.rules.version}: ${parsed.rules.ruleCount} rule(s)` };
}

export function checkCatalog(text: string): Checked {
  const parsed = parseTagCatalog(text);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const version = parsed.catalog.version ? ` version ${parsed.catalog.version}` : '';
  return { ok: true, summary: `tag catalog${version}: ${parsed.catalog.entries.length} tag(s)` };
}

/** Uploads a checked file; returns the new object's generation. */
export async function uploadConfigObject(storage: Storage, bucket: string, kind: 'rules' | 'catalog', text: string): Promise<string> {
  const name = kind === 'rules' ? OBJECTS.rules : OBJECTS.tagCatalog;
  const file = storage.bucket(bucket).file(name);
  await file.save(text, { resumable: false, metadata: { contentType: 'application/yaml', cacheControl: 'no-store' } });
  const [meta] = await file.getMetadata();
  return String(meta.generation);
}
