// What every deployed function builds at start (functions/adapters/function-runtime.ts): only its
// own settings from the config table, a logger labelled with function and environment, and a stop
// at start naming each missing variable. The clients are built lazily, so no network is touched.
import { describe, expect, it } from 'vitest';
import { functionRuntime } from '../../../functions/adapters/function-runtime.ts';
import { keysOf } from '../../../functions/core/function-env.ts';
import { FUNCTIONS } from '../../../functions/core/resources.ts';

const ENV = { PLANTLAKE_RAW_BUCKET: 'raw', PLANTLAKE_CONFIG_BUCKET: 'config', PLANTLAKE_ENVIRONMENT: 'test' };

describe('functionRuntime', () => {
  it.each(FUNCTIONS)('%s gets exactly its settings and a labelled logger', (fn) => {
    const lines: string[] = [];
    const rt = functionRuntime(fn, ENV, (l) => lines.push(l));
    expect(Object.keys(rt.settings).sort()).toEqual([...keysOf(fn)].sort());
    expect(rt.clients.target).toEqual({ kind: 'google' });
    rt.log.info('hello');
    expect(JSON.parse(lines[0]!)['logging.googleapis.com/labels']).toEqual({ function: fn, environment: 'test' });
  });

  it('stops at start naming every missing or bad variable', () => {
    expect(() => functionRuntime('sweep', { PLANTLAKE_STATE_SHARDS: '300' })).toThrow(
      /PLANTLAKE_RAW_BUCKET is not set.* PLANTLAKE_CONFIG_BUCKET is not set.* PLANTLAKE_STATE_SHARDS must be a whole number from 1 to 256; got "300"/,
    );
    // land reads no config bucket, so it starts without one.
    expect(functionRuntime('land', { PLANTLAKE_RAW_BUCKET: 'raw' }).settings.rawBucket).toBe('raw');
  });
});
