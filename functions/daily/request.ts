// The body of a request to the daily function. Cloud Scheduler sends `{}` (run as scheduled);
// an operator may POST a range to back-fill through the same function. Pure.
import { isDay } from '../core/lake-paths.ts';

export interface DailyRequest {
  readonly from?: string;
  readonly to?: string;
  /** Reload days in the range even when up to date. */
  readonly force?: boolean;
  /** Run the lifecycle after loading (default true for a plain run, false for a range). */
  readonly lifecycle?: boolean;
  /** Stop starting new days after this many seconds. */
  readonly budgetSeconds?: number;
}

export type RequestResult = { readonly ok: true; readonly request: DailyRequest } | { readonly ok: false; readonly reason: string };

const KEYS = new Set(['from', 'to', 'force', 'lifecycle', 'budgetSeconds']);
const USAGE = 'send {} to run as scheduled, or {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "force": false, "lifecycle": false, "budgetSeconds": 1500}';

export function parseDailyRequest(body: unknown): RequestResult {
  let value = body;
  if (value === undefined || value === null || value === '') value = {};
  if (Buffer.isBuffer(value)) value = value.toString('utf8') || '{}';
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { ok: false, reason: `the body is not JSON; ${USAGE}` };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: `the body must be a JSON object; ${USAGE}` };
  const o = value as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !KEYS.has(k));
  if (unknown.length > 0) return { ok: false, reason: `unknown field(s) ${unknown.join(', ')}; ${USAGE}` };
  for (const k of ['from', 'to'] as const) {
    if (o[k] !== undefined && (typeof o[k] !== 'string' || !isDay(o[k] as string)))
      return { ok: false, reason: `${k} must be a day YYYY-MM-DD; got ${JSON.stringify(o[k])}` };
  }
  for (const k of ['force', 'lifecycle'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') return { ok: false, reason: `${k} must be true or false; got ${JSON.stringify(o[k])}` };
  }
  if (o.budgetSeconds !== undefined && (typeof o.budgetSeconds !== 'number' || !(o.budgetSeconds > 0))) {
    return { ok: false, reason: `budgetSeconds must be a positive number; got ${JSON.stringify(o.budgetSeconds)}` };
  }
  const from = o.from as string | undefined;
  const to = (o.to as string | undefined) ?? from;
  if (from !== undefined && to !== undefined && to < from) return { ok: false, reason: `to (${to}) is before from (${from})` };
  if (to !== undefined && from === undefined) return { ok: false, reason: 'to needs from; send both, or from alone for one day' };
  return { ok: true, request: o as DailyRequest };
}
