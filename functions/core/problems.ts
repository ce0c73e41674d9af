// A Problem is one thing wrong with an input document, at a path a person can find
// (`readings[3].ts`), with a plain reason that says what was wrong and what to do.

export interface Problem {
  /** Path in the document, e.g. `readings[3].ts`; empty for the document as a whole. */
  readonly path: string;
  readonly reason: string;
}

export function formatProblem(problem: Problem): string {
  return problem.path === '' ? problem.reason : `${problem.path}: ${problem.reason}`;
}

/** How many problems a summary line lists; the full list stays in `problems`. */
const SUMMARY_LIMIT = 10;

/**
 * One line for logs and quarantine records: a headline, then the first problems. `omitted` counts
 * problems found but not kept in `problems`; `stopped` says checking ended early (bounded validation).
 */
export function summarise(headline: string, problems: readonly Problem[], bounds: { omitted?: number; stopped?: boolean } = {}): string {
  const omitted = bounds.omitted ?? 0;
  const shown = problems.slice(0, SUMMARY_LIMIT).map(formatProblem).join('; ');
  const total = problems.length + omitted;
  const more = total > SUMMARY_LIMIT ? `; … and ${total - Math.min(SUMMARY_LIMIT, problems.length)} more` : '';
  const count = bounds.stopped
    ? `${total} problems, then checking stopped: fix these and resend to see any further ones`
    : total === 1
      ? '1 problem'
      : `${total} problems`;
  return `${headline} (${count}): ${shown}${more}`;
}

/** Appends a property or index to a path: `readings` + 3 → `readings[3]`, + `ts` → `readings[3].ts`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** Keeps the first problem per path, so one bad field is reported once. */
export function onePerPath(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => (seen.has(p.path) ? false : (seen.add(p.path), true)));
}

/**
 * One problem per path, in document order: those outside `list` first, then by item of `list`
 * (`readings[2]` before `readings[10]`), keeping the found order within an item.
 */
export function inDocumentOrder(problems: readonly Problem[], list: string): Problem[] {
  const item = new RegExp(`^${list}\\[(\\d+)\\]`);
  const index = (p: Problem) => Number(item.exec(p.path)?.[1] ?? -1);
  return onePerPath(problems)
    .map((p, order) => ({ p, order }))
    .sort((a, b) => index(a.p) - index(b.p) || a.order - b.order)
    .map(({ p }) => p);
}

/** Short rendering of a bad value for a reason text. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
