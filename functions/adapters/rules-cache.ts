// The alarm rules, read from the config bucket and hot-reloaded (a changed rules file needs no
// redeploy): detect evaluates batches with them and the STALE sweep judges silent sites with them,
// so both get the same cache, the same checks and the same log events (detect.rules*).
import type { Storage } from '@google-cloud/storage';
import { OBJECTS, parseRules, type CompiledRules } from '../core/index.ts';
import type { Logger } from './log.ts';
import { createObjectCache, type ObjectCache } from './object-cache.ts';

export interface RulesCacheOptions {
  readonly storage: Storage;
  readonly configBucket: string;
  readonly log: Logger;
  /** How long a checked rules generation is trusted (see object-cache.ts). */
  readonly rulesCheckEveryMs: number;
}

export function rulesCache(options: RulesCacheOptions): ObjectCache<CompiledRules> {
  const where = `gs://${options.configBucket}/${OBJECTS.rules}`;
  return createObjectCache<CompiledRules>({
    bucket: options.storage.bucket(options.configBucket),
    name: OBJECTS.rules,
    checkEveryMs: options.rulesCheckEveryMs,
    parse: (text) => {
      const result = parseRules(text);
      return result.ok ? { ok: true, value: result.rules } : { ok: false, reason: result.reason };
    },
    onLoaded: (generation, rules) =>
      options.log.info(`loaded rules version ${rules.version} (${rules.ruleCount} rules) from ${where}`, {
        event: 'detect.rules',
        rulesVersion: rules.version,
        generation,
      }),
    onInvalid: (generation, reason) =>
      options.log.error(`${where} generation ${generation} was not loaded, the previous rules stay in use: ${reason}`, {
        event: 'detect.rules-invalid',
        generation,
        reason,
      }),
    onMissing: (kept) =>
      kept === null
        ? options.log.error(
            `${where} does not exist and this instance has no earlier rules: batches are not acked (Pub/Sub retries them) until a valid rules file is uploaded`,
            {
              event: 'detect.rules-missing',
            },
          )
        : options.log.warn(`${where} does not exist (a deployment replacing it?); rules version ${kept.version} loaded before stays in use`, {
            event: 'detect.rules-missing',
            rulesVersion: kept.version,
          }),
    onStale: (err) =>
      options.log.warn(`could not check ${where} for changes (${err instanceof Error ? err.message : String(err)}); using the rules loaded before`, {
        event: 'detect.rules-stale',
      }),
  });
}
