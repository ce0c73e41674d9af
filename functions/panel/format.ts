// Text helpers of the panel's HTML: escaping, and numbers and times as an operator reads them.
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const value2 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const whole = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const pct = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1 });

export const fmtValue = (v: number | null): string => (v === null ? '—' : value2.format(v));
export const fmtVolume = (v: number | null): string => (v === null ? '—' : whole.format(v));
export const fmtPercent = (v: number | null): string => (v === null ? '—' : `${pct.format(v)} %`);
export const fmtTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z';

/** A span the client script keeps current ("12 s ago"); the server's text is right at render time. */
export function age(ts: number | null, now: number): string {
  if (ts === null) return '<span class="age">—</span>';
  return `<span class="age" data-ts="${ts}" title="${fmtTime(ts)}">${ageText(now - ts)}</span>`;
}

export function ageText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}
