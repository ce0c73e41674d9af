// Staging tables of a run: created once, emptied before each day and at the end, and a fresh pair
// after every N days (BigQuery's load jobs per table per day). The warehouse here only records calls.
import { describe, expect, it } from 'vitest';
import type { Warehouse } from '../../../../functions/adapters/warehouse.ts';
import { createLogger } from '../../../../functions/adapters/log.ts';
import { createStaging } from '../../../../functions/daily/staging.ts';

function recorder(): { warehouse: Warehouse; calls: string[] } {
  const calls: string[] = [];
  const warehouse = {
    projectId: 'p',
    dataset: 'd',
    ref: (t: string) => `p.d.${t}`,
    createTable: async (name: string) => void calls.push(`create ${name}`),
    extendTable: async (name: string) => void calls.push(`extend ${name}`),
    query: async (sql: string) => {
      calls.push(sql.replace(/`p\.d\.(\w+)`/g, '$1'));
      return { rows: [], jobId: 'j' };
    },
  } as unknown as Warehouse;
  return { warehouse, calls };
}

describe('createStaging', () => {
  it('creates a pair on the first day, empties it before the next and at the end', async () => {
    const { warehouse, calls } = recorder();
    const staging = createStaging(
      warehouse,
      '20240301T020000Z-ab',
      createLogger({}, () => {}),
    );
    await staging.prepare();
    await staging.prepare();
    await staging.release();
    expect(calls).toEqual([
      'create _staging_readings_20240301T020000Z_ab',
      'create _staging_alarm_events_20240301T020000Z_ab',
      'TRUNCATE TABLE _staging_readings_20240301T020000Z_ab; TRUNCATE TABLE _staging_alarm_events_20240301T020000Z_ab;',
      'TRUNCATE TABLE _staging_readings_20240301T020000Z_ab; TRUNCATE TABLE _staging_alarm_events_20240301T020000Z_ab;',
    ]);
  });

  it('moves to a fresh pair every N days', async () => {
    const { warehouse, calls } = recorder();
    const staging = createStaging(
      warehouse,
      'r',
      createLogger({}, () => {}),
      2,
    );
    const names: string[] = [];
    for (let day = 0; day < 5; day++) {
      await staging.prepare();
      names.push(staging.tables.readings);
    }
    expect(names).toEqual(['_staging_readings_r', '_staging_readings_r', '_staging_readings_r_1', '_staging_readings_r_1', '_staging_readings_r_2']);
    expect(calls.filter((c) => c.startsWith('create _staging_readings'))).toHaveLength(3);
  });

  it('does nothing at the end of a run that loaded no day', async () => {
    const { warehouse, calls } = recorder();
    await createStaging(
      warehouse,
      'r',
      createLogger({}, () => {}),
    ).release();
    expect(calls).toEqual([]);
  });
});
