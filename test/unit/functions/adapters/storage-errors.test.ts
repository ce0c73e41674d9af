// Which storage failures land retries and which it quarantines, read off errors as the official
// client builds them (its own ApiError class), plus metadata values and bounded write concurrency.
import { ApiError } from '@google-cloud/storage';
import { describe, expect, it } from 'vitest';
import { classifyError, metadataValue } from '../../../../functions/adapters/storage-errors.ts';
import { mapLimit } from '../../../../functions/land/map-limit.ts';

// As the client raises an HTTP failure: an ApiError carrying the response status as `code`.
const apiError = (code: number) => Object.assign(new ApiError(`status ${code}`), { code });

describe('classifyError', () => {
  it('412 is already there; 408/429/5xx and network faults retry; 401/403/404/409 are deployment faults; other 4xx are permanent', () => {
    expect(classifyError(apiError(412))).toBe('exists');
    for (const code of [408, 429, 500, 502, 503, 504]) expect(classifyError(apiError(code)), String(code)).toBe('transient');
    for (const code of [401, 403, 404, 409]) expect(classifyError(apiError(code)), String(code)).toBe('deployment');
    for (const code of [400, 411, 413, 422]) expect(classifyError(apiError(code)), String(code)).toBe('permanent');
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(classifyError(reset)).toBe('transient');
    expect(classifyError('odd')).toBe('transient');
  });
});

describe('metadataValue', () => {
  it('keeps printable ASCII, replaces the rest, and caps the length', () => {
    expect(metadataValue('gw-1 (Werk Süd)\r\nX-Evil: 1')).toBe('gw-1 (Werk S?d)??X-Evil: 1');
    expect(metadataValue('x'.repeat(1000))).toHaveLength(256);
  });
});

describe('mapLimit', () => {
  it('never runs more than the limit at once, keeps order, and stops starting work after a failure', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit(
      Array.from({ length: 50 }, (_, i) => i),
      8,
      async (i) => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 1));
        running--;
        return i * 2;
      },
    );
    expect(peak).toBe(8);
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    const started: number[] = [];
    await expect(
      mapLimit(
        Array.from({ length: 50 }, (_, i) => i),
        4,
        async (i) => {
          started.push(i);
          if (i === 2) throw new Error('refused');
          await new Promise((r) => setTimeout(r, 5));
        },
      ),
    ).rejects.toThrow('refused');
    expect(started.length).toBeLessThan(10);
  });
});
