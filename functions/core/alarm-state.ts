// The alarm state detect keeps per site between batches: create, serialise, and load with validation.
import { ALARM_STATE_VERSION, AlarmState } from '../../schemas/alarm-state.ts';
import { summarise, type Problem } from './problems.ts';
import { compileSchema } from './schema-check.ts';
import { byTag } from './tag-states.ts';

export type StateResult =
  | { readonly ok: true; readonly state: AlarmState }
  | { readonly ok: false; readonly reason: string; readonly problems: readonly Problem[] };

const schema = compileSchema(AlarmState);

/** The state before any batch: no site yet, no tags. */
export function emptyState(): AlarmState {
  return { version: ALARM_STATE_VERSION, site: null, tags: [] };
}

export function serializeState(state: AlarmState): string {
  return JSON.stringify(state);
}

/** Loads a stored state; anything unreadable is refused with a reason rather than half-used. */
export function deserializeState(text: string): StateResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`alarm state is not JSON (${(error as Error).message}); delete the state object to start fresh (active alarms will be raised again)`);
  }
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== ALARM_STATE_VERSION) {
    return fail(
      `alarm state has version ${version}, this code reads version ${ALARM_STATE_VERSION}; deploy the detect that wrote it, or delete the state object to start fresh`,
    );
  }
  if (!schema.check(value)) {
    const problems = schema.problems(value);
    return { ok: false, reason: summarise('alarm state does not match its schema; delete the state object to start fresh', problems), problems };
  }
  // The engine finds tags by position in a sorted array: sort a hand-edited file, refuse duplicates.
  const tags = [...value.tags].sort(byTag);
  const twice = tags.find((s, i) => i > 0 && tags[i - 1]!.tag === s.tag);
  if (twice !== undefined) {
    return fail(`alarm state lists tag ${twice.tag} twice; keep one entry or delete the state object to start fresh`);
  }
  return { ok: true, state: { ...value, tags } };
}

function fail(reason: string): StateResult {
  return { ok: false, reason, problems: [{ path: '', reason }] };
}
