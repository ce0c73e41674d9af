// The real-time half of plantlake on the emulators: land, detect and notify served in this
// process from source (serve.ts), each fed by a delivery from its subscription (local/delivery),
// configured through the same settings reader (function-env.ts) and wired by the same factory
// (functions/<fn>/wiring.ts) as the deployed functions. For `npm start` and the
// tests; each call serves one pipeline (pipelineNames), so tests can run several side by side.
import type { Clients } from '../../functions/adapters/clients.ts';
import { ENV, settingsFor, type WebhookFormat } from '../../functions/core/function-env.ts';
import { createLogger, type LogSink } from '../../functions/adapters/log.ts';
import type { RetryPolicy } from '../../functions/adapters/webhook-client.ts';
import { wireDetect } from '../../functions/detect/wiring.ts';
import { wireLand } from '../../functions/land/wiring.ts';
import { wireNotify } from '../../functions/notify/wiring.ts';
import { wireSweep } from '../../functions/sweep/wiring.ts';
import { pipelineEnv, type PipelineNames } from '../provision.ts';
import { startDelivery, type Delivery, type DeliveryOptions } from '../delivery/push-delivery.ts';
import { serveHandler, type ServedFunction } from './serve.ts';
import { startSweepTick, type SweepTick } from './sweep-tick.ts';

export type RealtimeFunction = 'land' | 'detect' | 'notify';

export interface LocalFunctionsOptions {
  readonly clients: Clients;
  readonly names: PipelineNames;
  /** Which functions to serve and feed; default all three. */
  readonly functions?: readonly RealtimeFunction[];
  readonly environment?: string;
  readonly webhookUrl?: string;
  readonly webhookFormat?: WebhookFormat;
  readonly notifyThrottleSeconds?: number;
  /** Recipients of alarm notifications by e-mail (PLANTLAKE_ALARM_EMAILS). */
  readonly alarmEmails?: readonly string[];
  /** Seconds a checked rules / catalog generation is trusted; default 10 (0: check every event). */
  readonly configCheckSeconds?: number;
  readonly webhookRetry?: RetryPolicy;
  /** Where the functions' structured log lines go; default stdout. */
  readonly logSink?: LogSink;
  readonly delivery?: Pick<DeliveryOptions, 'backoff' | 'concurrency' | 'log' | 'timeoutMs'>;
  /**
   * Serve the STALE sweep with a scheduler tick every this many ms (production: 60 000). Off by
   * default: the sweep judges against the wall clock, so a replayed old day would go STALE.
   */
  readonly sweepEveryMs?: number;
}

export interface LocalFunctions {
  readonly urls: Readonly<Partial<Record<RealtimeFunction, string>>>;
  readonly deliveries: Readonly<Partial<Record<RealtimeFunction, Delivery>>>;
  /** The STALE sweep's scheduler tick, when sweepEveryMs was given. */
  readonly sweep?: SweepTick;
  stop(): Promise<void>;
}

export async function startLocalFunctions(options: LocalFunctionsOptions): Promise<LocalFunctions> {
  const { clients, names } = options;
  // The options become the functions' environment, so they pass through the same parsers as in Google Cloud.
  const environment = options.environment ?? 'local';
  const env = {
    ...pipelineEnv(names),
    [ENV.environment]: environment,
    [ENV.webhookUrl]: options.webhookUrl,
    [ENV.webhookFormat]: options.webhookFormat,
    [ENV.notifyThrottleSeconds]: options.notifyThrottleSeconds === undefined ? undefined : String(options.notifyThrottleSeconds),
    [ENV.alarmEmails]: options.alarmEmails?.join(','),
    [ENV.configCheckSeconds]: options.configCheckSeconds === undefined ? undefined : String(options.configCheckSeconds),
  };
  const logger = (fn: RealtimeFunction | 'sweep') => createLogger({ function: fn, environment }, options.logSink);
  const handlers: Record<RealtimeFunction, () => (event: unknown) => Promise<void>> = {
    land: () => wireLand(settingsFor('land', env), clients, logger('land')),
    detect: () => wireDetect(settingsFor('detect', env), clients, logger('detect')),
    notify: () => wireNotify(settingsFor('notify', env), clients, logger('notify'), options.webhookRetry ? { webhookRetry: options.webhookRetry } : {}),
  };
  const feeds: Record<RealtimeFunction, { subscription: string; topic: string }> = {
    land: { subscription: names.subscriptions.land, topic: names.topics.readings },
    detect: { subscription: names.subscriptions.detect, topic: names.topics.readings },
    notify: { subscription: names.subscriptions.notify, topic: names.topics.alerts },
  };

  const servers: ServedFunction[] = [];
  const urls: Partial<Record<RealtimeFunction, string>> = {};
  const deliveries: Partial<Record<RealtimeFunction, Delivery>> = {};
  let sweepTick: SweepTick | undefined;
  try {
    for (const fn of options.functions ?? (['land', 'detect', 'notify'] as const)) {
      const served = await serveHandler(fn, handlers[fn]());
      servers.push(served);
      urls[fn] = served.url;
      deliveries[fn] = await startDelivery({ clients, url: served.url, ...feeds[fn], ...options.delivery });
    }
    if (options.sweepEveryMs !== undefined) {
      const { sweep } = wireSweep(settingsFor('sweep', env), clients, logger('sweep'));
      sweepTick = await startSweepTick(sweep, { everyMs: options.sweepEveryMs, ...(options.delivery?.log ? { log: options.delivery.log } : {}) });
    }
  } catch (err) {
    await stopAll();
    throw err;
  }

  async function stopAll(): Promise<void> {
    await sweepTick?.stop();
    await Promise.allSettled(Object.values(deliveries).map((d) => d.stop()));
    await Promise.allSettled(servers.map((s) => s.close()));
  }
  return { urls, deliveries, ...(sweepTick ? { sweep: sweepTick } : {}), stop: stopAll };
}
