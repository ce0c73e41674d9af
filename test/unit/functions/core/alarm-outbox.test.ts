// Names and shapes of the detect outbox protocol (functions/core/alarm-outbox.ts), and the settings
// each function reads.
import { describe, expect, it } from 'vitest';
import type { AlarmEvent } from '../../../../functions/core/index.ts';
import { settingsFor } from '../../../../functions/core/function-env.ts';
import { eventObjects, makeOutbox, parseOutbox } from '../../../../functions/core/alarm-outbox.ts';
import { outboxObjectName } from '../../../../functions/core/lake-paths.ts';

const ev = (id: string, readingTs: string): AlarmEvent => ({
  eventId: id.padEnd(32, 'a'),
  site: 'S1',
  tag: '10LAB10CP001',
  condition: 'H',
  transition: 'active',
  value: 2,
  limit: 1,
  priority: 'low',
  readingTs,
  detectedAt: '2024-05-02T00:00:05.000Z',
  rulesVersion: 'v1',
});

describe('detect outbox', () => {
  const outbox = makeOutbox('S1', 'batch-7', [ev('1', '2024-05-01T23:59:59.000Z'), ev('2', '2024-05-02T00:00:01.000Z')]);

  it('has an id that depends only on site, batch and event ids', () => {
    expect(outbox.id).toMatch(/^[0-9a-f]{32}$/);
    expect(makeOutbox('S1', 'batch-7', outbox.events).id).toBe(outbox.id);
    expect(makeOutbox('S1', 'batch-7', outbox.events.slice(0, 1)).id).not.toBe(outbox.id);
    expect(outboxObjectName('S1', outbox.id)).toBe(`state/alarms/outbox/site=S1/${outbox.id}.json`);
    expect(parseOutbox(JSON.stringify(outbox))).toEqual(outbox);
    expect(parseOutbox('{"version":2}')).toBeNull();
  });

  it('becomes one alarm_events object per UTC day of the reading time', () => {
    const objects = eventObjects(outbox);
    expect(objects.map((o) => [o.name, o.rows.map((r) => r.event_id[0])])).toEqual([
      ['alarm-events/dt=2024-05-01/site=S1/batch-7.ndjson.gz', ['1']],
      ['alarm-events/dt=2024-05-02/site=S1/batch-7.ndjson.gz', ['2']],
    ]);
    expect(objects[0]!.alternateName).toBe(`alarm-events/dt=2024-05-01/site=S1/batch-7.${outbox.id.slice(0, 12)}.ndjson.gz`);
    expect(objects[0]!.rows[0]).toMatchObject({ event_id: ev('1', '').eventId, limit_value: 1, reading_ts: '2024-05-01T23:59:59.000Z' });
  });
});

describe('settingsFor', () => {
  it('asks each function only for the buckets it uses, naming a missing variable', () => {
    expect(settingsFor('land', { PLANTLAKE_RAW_BUCKET: 'r' }).rawBucket).toBe('r');
    expect(settingsFor('land', { PLANTLAKE_RAW_BUCKET: 'r' })).not.toHaveProperty('configBucket');
    expect(settingsFor('notify', { PLANTLAKE_RAW_BUCKET: 'r', PLANTLAKE_CONFIG_BUCKET: 'c', PLANTLAKE_WEBHOOK_FORMAT: 'slack' }).webhookFormat).toBe('slack');
    // notify keeps its ledger of sent notifications in the raw bucket, so it needs that too.
    expect(() => settingsFor('notify', { PLANTLAKE_CONFIG_BUCKET: 'c' })).toThrow('PLANTLAKE_RAW_BUCKET is not set');
    expect(() => settingsFor('land', { PLANTLAKE_CONFIG_BUCKET: 'c' })).toThrow('PLANTLAKE_RAW_BUCKET is not set');
    expect(() => settingsFor('detect', { PLANTLAKE_RAW_BUCKET: 'r' })).toThrow('PLANTLAKE_CONFIG_BUCKET is not set');
    expect(() => settingsFor('notify', { PLANTLAKE_RAW_BUCKET: 'r', PLANTLAKE_CONFIG_BUCKET: 'c', PLANTLAKE_WEBHOOK_FORMAT: 'msn' })).toThrow(
      /PLANTLAKE_WEBHOOK_FORMAT must be google-chat, slack or teams/,
    );
  });
});
