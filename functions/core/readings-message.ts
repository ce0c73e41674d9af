// A message on the `readings` topic, whichever format it is in: a ReadingBatch (plantlake's own,
// what `plantlake publish` and custom gateways send) or Telegraf's JSON (outputs.cloud_pubsub,
// plain, base64 or gzip). land and detect both read messages through this one function, so they
// agree on what a message holds. Pure.
import type { ReadingBatch } from '../../schemas/reading-batch.ts';
import { parseBatch } from './batch.ts';
import { DEFAULT_BATCH_LIMITS, type BatchLimits } from './batch-limits.ts';
import { summarise, type Problem } from './problems.ts';
import { decodeTelegraf, isTelegrafJson, unwrapBody } from './telegraf.ts';

export type MessageFormat = 'reading-batch' | 'telegraf';

export type ReadingsMessage =
  | {
      readonly ok: true;
      readonly format: MessageFormat;
      /** One batch per site (a ReadingBatch is always one). */
      readonly batches: readonly ReadingBatch[];
      /** Parts that could not be mapped (Telegraf metrics or fields), each with its path; empty when all mapped. */
      readonly rejected: readonly Problem[];
      /** The headline for `rejected`, for a quarantine record. */
      readonly rejectedReason: string | undefined;
    }
  | {
      readonly ok: false;
      readonly format: MessageFormat;
      readonly reason: string;
      readonly problems: readonly Problem[];
      /** Problems found beyond those listed, and whether checking stopped (a ReadingBatch's bounded check). */
      readonly omitted?: number;
      readonly stopped?: boolean;
    };

export function decodeReadingsMessage(
  data: Uint8Array,
  attributes: Readonly<Record<string, string>>,
  now: Date,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): ReadingsMessage {
  const unwrapped = unwrapBody(data);
  if (unwrapped.ok && isTelegrafJson(unwrapped.bytes)) {
    const result = decodeTelegraf(unwrapped.bytes, attributes, now, limits);
    if (!result.ok) return { ok: false, format: 'telegraf', reason: result.reason, problems: result.problems };
    const rejectedReason =
      result.rejected.length === 0
        ? undefined
        : summarise(
            `${result.rejected.length} part(s) of a Telegraf message of ${result.metrics} metric(s) could not be mapped and were left out (the rest landed); fix these metrics and resend them`,
            result.rejected,
          );
    return { ok: true, format: 'telegraf', batches: result.batches, rejected: result.rejected, rejectedReason };
  }
  if (!unwrapped.ok) return { ok: false, format: 'telegraf', reason: unwrapped.reason, problems: [{ path: '', reason: unwrapped.reason }] };
  // A plain ReadingBatch comes through untouched (its own error messages are kept exactly).
  const parsed = parseBatch(unwrapped.layers.length === 0 ? data : unwrapped.bytes, now, limits);
  return parsed.ok
    ? { ok: true, format: 'reading-batch', batches: [parsed.batch], rejected: [], rejectedReason: undefined }
    : { ok: false, format: 'reading-batch', reason: parsed.reason, problems: parsed.problems, omitted: parsed.omitted, stopped: parsed.stopped };
}
