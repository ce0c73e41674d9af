import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AlarmEventRow,
  emptyState,
  evaluate,
  ReadingRow,
  TagRow,
  toAlarmEventRow,
  toReadingRow,
  toTagRow,
  validateBatch,
} from '../../../../functions/core/index.ts';
import { rules } from './helpers.ts';

const bigquery = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../../../schemas/bigquery/${file}`, import.meta.url), 'utf8')) as Array<{ name: string; mode: string }>;

describe('BigQuery rows', () => {
  it.each([
    ['readings.json', ReadingRow],
    ['alarm_events.json', AlarmEventRow],
    ['tags.json', TagRow],
  ] as const)('row schema matches schemas/bigquery/%s: names, order and nullability', (file, schema) => {
    const fields = bigquery(file);
    expect(Object.keys(schema.properties)).toEqual(fields.map((f) => f.name));
    for (const field of fields) {
      const nullable = JSON.stringify(schema.properties[field.name as keyof typeof schema.properties]).includes('"null"');
      expect(nullable, field.name).toBe(field.mode === 'NULLABLE');
    }
  });

  const parsed = validateBatch(
    {
      batchId: 'gw-1:42',
      site: 'REF-01',
      source: 'gw-1',
      sentAt: '2024-05-01T00:00:00Z',
      readings: [
        { tag: '=10 LAB10 CP001', ts: '2024-05-01T01:30:00.1234567+02:00', value: 12.5, quality: 'good', unit: 'bar' },
        { tag: '10LAB10CP001', ts: '2024-05-01T00:00:01Z', value: null, quality: 'bad' },
      ],
    },
    new Date('2024-05-01T00:00:10Z'),
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  const b = parsed.batch;

  it('maps a reading to a readings row: tag normalised, ts in UTC', () => {
    const ingestedAt = new Date('2024-05-01T00:00:05Z');
    expect(toReadingRow(b, b.readings[0]!, ingestedAt)).toEqual({
      site: 'REF-01',
      tag: '10LAB10CP001',
      ts: '2024-04-30T23:30:00.123456Z',
      value: 12.5,
      quality: 'good',
      unit: 'bar',
      batch_id: 'gw-1:42',
      ingested_at: '2024-05-01T00:00:05.000Z',
    });
    expect(toReadingRow(b, b.readings[1]!, ingestedAt)).toMatchObject({ ts: '2024-05-01T00:00:01Z', value: null, unit: null });
  });

  it('maps an alarm event to an alarm_events row', () => {
    const compiled = rules({ version: 'r1', rules: [{ tag: '10LAB10CP001', limits: { H: 10 } }] });
    const [event] = evaluate(emptyState(), b, compiled, new Date('2024-05-01T00:00:10Z')).events;
    expect(toAlarmEventRow(event!)).toEqual({
      event_id: event!.eventId,
      site: 'REF-01',
      tag: '10LAB10CP001',
      condition: 'H',
      transition: 'active',
      value: 12.5,
      limit_value: 10,
      priority: 'medium',
      reading_ts: '2024-04-30T23:30:00.123Z',
      detected_at: '2024-05-01T00:00:10.000Z',
      rules_version: 'r1',
      late: false,
    });
  });

  it('maps a tag to a tags row with its KKS split', () => {
    const updatedAt = new Date('2024-05-02T00:00:00Z');
    const entry = { tag: '10LAB10CP001', site: 'REF-01', description: 'Feedwater pressure', unit: 'bar', legacyName: 'PT-101' };
    expect(toTagRow('10LAB10CP001', entry, { first: '2024-05-01T00:00:00Z', last: '2024-05-01T23:59:59Z' }, updatedAt)).toEqual({
      tag: '10LAB10CP001',
      site: 'REF-01',
      description: 'Feedwater pressure',
      unit: 'bar',
      area: null,
      equipment: null,
      legacy_name: 'PT-101',
      plant: '10',
      function_key: 'LAB10',
      equipment_unit: 'CP001',
      component: null,
      measured_quantity: 'pressure',
      in_catalog: true,
      first_seen: '2024-05-01T00:00:00Z',
      last_seen: '2024-05-01T23:59:59Z',
      updated_at: '2024-05-02T00:00:00.000Z',
    });
    expect(toTagRow('10MKA10CT001', undefined, undefined, updatedAt)).toMatchObject({ in_catalog: false, site: null, measured_quantity: 'temperature' });
  });
});
