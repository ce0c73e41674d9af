// The STALE sweep's one wiring, from its settings and clients to the sweep and its HTTP handler:
// used by index.ts (Cloud Run, called by Cloud Scheduler) and by the local runtime's scheduler
// tick (local/functions/pipeline.ts) alike. Reads what detect reads, the same way (functions/adapters/alarm-path-options.ts).
import type { HttpFunction } from '@google-cloud/functions-framework';
import type { Clients } from '../adapters/clients.ts';
import type { Logger } from '../adapters/log.ts';
import type { SweepSettings } from '../core/function-env.ts';
import { alarmPathOptions } from '../adapters/alarm-path-options.ts';
import { createSweep, type Sweep } from './sweep.ts';

export interface WiredSweep {
  /** One judgement of every site (the local scheduler tick calls it directly). */
  readonly sweep: Sweep;
  /** POST only: 200 with the report, 500 when a site failed or there are no rules. */
  readonly http: HttpFunction;
}

export function wireSweep(settings: SweepSettings, clients: Pick<Clients, 'storage' | 'pubsub'>, log: Logger): WiredSweep {
  const sweep = createSweep(alarmPathOptions(settings, clients, log));
  const http: HttpFunction = async (req, res) => {
    if (req.method !== 'POST') {
      res.status(405).json({ error: `use POST (got ${req.method}); Cloud Scheduler sends POST with body {}` });
      return;
    }
    const report = await sweep();
    res.status(report.status === 'succeeded' ? 200 : 500).json(report);
  };
  return { sweep, http };
}
