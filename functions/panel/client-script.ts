// The little client script of every page: replaces the live regions with the fragments the server
// sends over Server-Sent Events, and keeps the ages current. EventSource reconnects by itself.
export const CLIENT_SCRIPT = `
(() => {
  const text = (ms) => { const s = Math.max(0, Math.round(ms / 1000));
    return s < 90 ? s + ' s' : s < 5400 ? Math.round(s / 60) + ' min' : s < 172800 ? Math.round(s / 3600) + ' h' : Math.round(s / 86400) + ' d'; };
  const tick = () => { const now = Date.now();
    for (const el of document.querySelectorAll('.age[data-ts]')) {
      const ms = now - Number(el.dataset.ts); el.textContent = text(ms); el.classList.toggle('old', ms > 300000); } };
  setInterval(tick, 1000); tick();
  const stream = document.body.dataset.stream;
  if (!stream) return;
  const status = document.getElementById('live');
  const source = new EventSource(stream);
  source.addEventListener('regions', (e) => {
    const regions = JSON.parse(e.data);
    for (const [id, html] of Object.entries(regions)) { const el = document.getElementById(id); if (el) el.innerHTML = html; }
    tick();
    if (status) { status.textContent = 'live'; status.className = 'live on'; }
  });
  source.addEventListener('error', () => { if (status) { status.textContent = 'reconnecting…'; status.className = 'live off'; } });
})();
`;
