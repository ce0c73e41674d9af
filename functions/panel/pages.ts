// The panel's pages, rendered on the server. Each live part of a page is a region (an element
// with an id) that the SSE stream replaces with the same render function's newer output.
import type { OfficeView, SeriesBucket, SiteView, TankRow } from '../core/index.ts';
import { CLIENT_SCRIPT } from './client-script.ts';
import { age, esc, fmtPercent, fmtTime, fmtValue, fmtVolume } from './format.ts';

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2733;background:#f4f6f8}
header{background:#123;color:#fff;padding:10px 20px;display:flex;gap:20px;align-items:center}
header a{color:#cde}header .who{margin-left:auto;opacity:.8}
main{padding:16px 20px;max-width:1200px}
h2{margin:18px 0 6px;font-size:16px}h3{margin:12px 0 4px;font-size:14px;color:#456}
table{border-collapse:collapse;background:#fff;width:100%;margin-bottom:8px}
th,td{padding:4px 8px;border-bottom:1px solid #e3e7eb;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
th{background:#e9eef3;font-weight:600}
.q-uncertain{color:#a66b00}.q-bad{color:#b00020;font-weight:600}.age.old{color:#b00020}
.p-critical{background:#b00020;color:#fff}.p-high{background:#e65100;color:#fff}.p-medium{background:#f9a825}.p-low{background:#cfd8dc}
.badge{padding:1px 6px;border-radius:3px;font-size:12px}
.bar{background:#e3e7eb;width:120px;height:10px;display:inline-block;vertical-align:middle}.bar i{display:block;height:10px;background:#1565c0}
.live{font-size:12px;padding:2px 8px;border-radius:10px;background:#555}.live.on{background:#2e7d32}.live.off{background:#b00020}
.none{color:#789;font-style:italic}`;

export function layout(title: string, email: string, body: string, stream?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${esc(title)} · plantlake</title><style>${STYLE}</style></head>
<body${stream === undefined ? '' : ` data-stream="${esc(stream)}"`}><header><strong>plantlake</strong><a href="/office">head office</a>
<span>${esc(title)}</span>${stream === undefined ? '' : '<span id="live" class="live">connecting…</span>'}<span class="who">${esc(email)}</span></header>
<main>${body}</main><script>${CLIENT_SCRIPT}</script></body></html>`;
}

export function errorPage(status: number, title: string, message: string, email = ''): string {
  return layout(`${status} ${title}`, email, `<h2>${status} ${esc(title)}</h2><p>${esc(message)}</p>`);
}

const percentBar = (p: number | null) => (p === null ? '' : `<span class="bar"><i style="width:${Math.max(0, Math.min(100, p)).toFixed(1)}%"></i></span> `);

function tankRows(tanks: readonly TankRow[], now: number, withSite: boolean): string {
  if (tanks.length === 0) return `<p class="none">no tanks in the catalog</p>`;
  const rows = tanks
    .map(
      (
        t,
      ) => `<tr data-tank="${esc(t.site)}/${esc(t.tank)}" data-volume="${t.volume ?? ''}" data-level="${t.level ?? ''}">${withSite ? `<td><a href="/sites/${esc(t.site)}">${esc(t.site)}</a></td>` : ''}
<td>${esc(t.tank)}</td><td>${esc(t.product)}</td><td class="n">${fmtValue(t.level)} ${esc(t.levelUnit ?? '')}</td>
<td class="n vol">${fmtVolume(t.volume)} ${esc(t.volumeUnit)}${t.outOfRange ? ' <span class="q-bad" title="level outside the strapping table">!</span>' : ''}</td>
<td class="n">${fmtVolume(t.capacity)} ${esc(t.volumeUnit)}</td><td>${percentBar(t.percentFull)}${fmtPercent(t.percentFull)}</td><td>${age(t.ts, now)}</td></tr>`,
    )
    .join('');
  return `<table><tr>${withSite ? '<th>site</th>' : ''}<th>tank</th><th>product</th><th>level</th><th>volume</th><th>capacity</th><th>full</th><th>age</th></tr>${rows}</table>`;
}

export function siteRegions(view: SiteView, now: number): Record<string, string> {
  const alarms =
    view.alarms.length === 0
      ? '<p class="none">no active alarms</p>'
      : `<table><tr><th>priority</th><th>tag</th><th>condition</th><th>value</th><th>limit</th><th>since</th></tr>${view.alarms
          .map(
            (
              a,
            ) => `<tr class="alarm" data-alarm="${esc(a.tag)}/${a.condition}"><td><span class="badge p-${a.priority ?? 'low'}">${a.priority ?? 'unknown'}</span></td>
<td>${esc(a.tag)}<br><small>${esc(a.description ?? '')}</small></td><td>${a.condition}</td><td class="n">${fmtValue(a.value)}</td><td class="n">${fmtValue(a.limit)}</td>
<td>${fmtTime(a.since)} (${age(a.since, now)})</td></tr>`,
          )
          .join('')}</table>`;
  const tags =
    view.systems.length === 0
      ? '<p class="none">no readings yet</p>'
      : view.systems
          .map(
            (s) =>
              `<h3>${esc(s.code)}${s.label === null ? '' : ` · ${esc(s.label)}`}</h3><table><tr><th>equipment</th><th>tag</th><th>description</th><th>value</th><th>unit</th><th>quality</th><th>age</th><th></th></tr>${s.equipment
                .flatMap((e) =>
                  e.rows.map(
                    (
                      r,
                      i,
                    ) => `<tr data-tag="${esc(r.tag)}" data-value="${r.value ?? ''}">${i === 0 ? `<td rowspan="${e.rows.length}">${esc(e.code)}${e.label === null ? '' : `<br><small>${esc(e.label)}</small>`}</td>` : ''}
<td>${esc(r.tag)}</td><td>${esc(r.description ?? 'not in the catalog')}</td><td class="n value">${fmtValue(r.value)}</td><td>${esc(r.unit ?? '')}</td>
<td class="q-${r.quality}">${r.quality}</td><td>${age(r.ts, now)}</td><td><a href="/sites/${esc(view.site)}/trend/${encodeURIComponent(r.tag)}">trend</a></td></tr>`,
                  ),
                )
                .join('')}</table>`,
          )
          .join('');
  return {
    updated: view.updatedAt === null ? 'no data from detect yet' : `snapshot ${fmtTime(view.updatedAt)} (${age(view.updatedAt, now)} ago)`,
    alarms,
    tanks: tankRows(view.tanks, now, false),
    tags,
  };
}

export function sitePage(view: SiteView, email: string, now: number): string {
  const r = siteRegions(view, now);
  const body = `<p id="updated">${r.updated}</p><h2>Active alarms</h2><div id="alarms">${r.alarms}</div>
<h2>Tanks</h2><div id="tanks">${r.tanks}</div><h2>Values</h2><div id="tags">${r.tags}</div>`;
  return layout(view.site, email, body, `/sites/${encodeURIComponent(view.site)}/stream`);
}

export function officeRegions(view: OfficeView, now: number): Record<string, string> {
  const products =
    view.products.length === 0
      ? '<p class="none">no tanks at the sites you may see</p>'
      : `<table><tr><th>product</th><th>stock</th><th>capacity</th><th>tanks without a level</th><th>oldest level</th></tr>${view.products
          .map(
            (
              p,
            ) => `<tr data-product="${esc(p.product)}" data-volume="${p.volume}"><td>${esc(p.product)}</td><td class="n vol">${fmtVolume(p.volume)} ${esc(p.volumeUnit)}</td>
<td class="n">${fmtVolume(p.capacity)} ${esc(p.volumeUnit)}</td><td class="n">${p.unknownTanks}</td><td>${age(p.oldestTs, now)}</td></tr>`,
          )
          .join('')}</table>`;
  const sites = view.sites
    .map(
      (s) => `<tr data-site="${esc(s.site)}"><td><a href="/sites/${esc(s.site)}">${esc(s.site)}</a></td><td class="n">${s.tanks.length}</td>
<td>${s.products.map((p) => `${esc(p.product)} ${fmtVolume(p.volume)} ${esc(p.volumeUnit)}`).join('<br>') || '<span class="none">no tanks</span>'}</td>
<td class="n">${s.activeAlarms}</td><td>${s.updatedAt === null ? '<span class="none">no data yet</span>' : age(s.updatedAt, now)}</td></tr>`,
    )
    .join('');
  return {
    products,
    sites: `<table><tr><th>site</th><th>tanks</th><th>stock per product</th><th>active alarms</th><th>snapshot age</th></tr>${sites}</table>`,
    tanks: tankRows(
      view.sites.flatMap((s) => s.tanks),
      now,
      true,
    ),
  };
}

export function officePage(view: OfficeView, email: string, now: number): string {
  const r = officeRegions(view, now);
  const body = `<h2>Stock per product, every site you may see</h2><div id="products">${r.products}</div>
<h2>Sites</h2><div id="sites">${r.sites}</div><h2>Tanks</h2><div id="tanks">${r.tanks}</div>`;
  return layout('stock of every permitted site', email, body, '/office/stream');
}

/** The last hours of one tag: min–max band and last value per minute, as an inline SVG. */
export function trendPage(site: string, tag: string, description: string | null, unit: string | null, series: readonly SeriesBucket[], email: string): string {
  const W = 900;
  const H = 260;
  let svg = '<p class="none">no usable values in the window</p>';
  if (series.length > 0) {
    const t0 = series[0]![0];
    const t1 = Math.max(series[series.length - 1]![0] + 60_000, t0 + 60_000);
    const lo = Math.min(...series.map((b) => b[1]));
    const hi = Math.max(...series.map((b) => b[2]));
    const span = hi - lo || 1;
    const x = (t: number) => (((t - t0) / (t1 - t0)) * (W - 60) + 50).toFixed(1);
    const y = (v: number) => (H - 20 - ((v - lo) / span) * (H - 40)).toFixed(1);
    const band = [...series.map((b) => `${x(b[0])},${y(b[2])}`), ...[...series].reverse().map((b) => `${x(b[0])},${y(b[1])}`)].join(' ');
    const line = series.map((b) => `${x(b[0])},${y(b[3])}`).join(' ');
    svg = `<svg id="trend" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="trend of ${esc(tag)}" style="background:#fff">
<polygon points="${band}" fill="#90caf9" opacity=".6"/><polyline points="${line}" fill="none" stroke="#0d47a1" stroke-width="1.5"/>
<text x="4" y="16" font-size="11">${fmtValue(hi)}</text><text x="4" y="${H - 20}" font-size="11">${fmtValue(lo)}</text>
<text x="50" y="${H - 4}" font-size="11">${fmtTime(t0)}</text><text x="${W - 170}" y="${H - 4}" font-size="11">${fmtTime(t1)}</text></svg>
<p>${series.length} one-minute buckets (band: min–max, line: last value).</p>`;
  }
  const body = `<p><a href="/sites/${esc(site)}">← ${esc(site)}</a></p><h2>${esc(tag)} ${esc(description ?? '')} ${unit === null ? '' : `(${esc(unit)})`}</h2>${svg}`;
  return layout(`${site} · ${tag}`, email, body);
}
