// panel — Cloud Run service behind Identity-Aware Proxy: the live plant panel (site pages, tank
// stocks, active alarms, trends, the head-office stock page), fed by Server-Sent Events from the
// live snapshots detect keeps in gs://RAW/live/. Reads nothing else of the lake.
import { createLogger } from '../adapters/log.ts';
import { startPanel } from './server.ts';
import { readPanelSettings } from './settings.ts';
import { panelStorage } from './storage-client.ts';

const settings = readPanelSettings(process.env);
const log = createLogger({ function: 'panel', environment: settings.environment });
const panel = await startPanel(settings, panelStorage(process.env), log);
log.info(`panel listening on port ${settings.port}`, { event: 'panel.start', url: panel.url });
