// Screenshots of the live panel for the README: `node scripts/panel-screenshots.ts URL [DIR]`
// with the URL `npm start` prints (its local IAP stand-in), while it runs. Signs in as the local
// head-office identity, then as the REF-01 operator, and saves PNGs (default docs/).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../local/panel/chromium.ts';

const [base = '', dir = 'docs'] = process.argv.slice(2).map((a) => a.replace(/\/_local-iap$/, ''));
if (!base.startsWith('http')) {
  console.error('usage: node scripts/panel-screenshots.ts http://127.0.0.1:8090 [docs]  (the panel URL npm start prints)');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
const browser = await launchChromium();
try {
  const shoot = async (email: string, path: string, file: string) => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/_local-iap/as/${encodeURIComponent(email)}`);
    await page.goto(`${base}${path}`);
    await page.waitForTimeout(2500); // the first SSE update
    await page.screenshot({ path: join(dir, file), fullPage: true });
    console.log(`${join(dir, file)}  (${email} ${path})`);
    await context.close();
  };
  await shoot('office@plantlake.local', '/office', 'panel-office.png');
  await shoot('office@plantlake.local', '/sites/REF-01', 'panel-site.png');
  await shoot('office@plantlake.local', '/sites/REF-01/trend/10EGB10CL001', 'panel-trend.png');
  await shoot('ref-operator@plantlake.local', '/office', 'panel-office-ref-operator.png');
  await shoot('ref-operator@plantlake.local', '/sites/WELL-01', 'panel-forbidden.png');
} finally {
  await browser.close();
}
