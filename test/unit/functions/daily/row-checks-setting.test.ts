// PLANTLAKE_DAILY_ROW_CHECKS: which path stages a day (stage-direct.ts, day-reader.ts).
import { describe, expect, it } from 'vitest';
import { dailySettings, ROW_CHECKS_ENV } from '../../../../functions/daily/settings.ts';

const BASE = { PLANTLAKE_RAW_BUCKET: 'r', PLANTLAKE_CONFIG_BUCKET: 'c', PLANTLAKE_DATASET: 'd' };

describe('daily row checks setting', () => {
  it('loads from gs:// and checks on refusal by default', () => {
    expect(dailySettings(BASE).rowChecks).toBe('on-refusal');
  });
  it('takes always', () => {
    expect(dailySettings({ ...BASE, [ROW_CHECKS_ENV]: 'always' }).rowChecks).toBe('always');
  });
  it('refuses anything else, naming the variable and the values', () => {
    expect(() => dailySettings({ ...BASE, [ROW_CHECKS_ENV]: 'never' })).toThrow(
      /PLANTLAKE_DAILY_ROW_CHECKS must be on-refusal or always; got "never". Set it to one of those, or unset it for the default \(on-refusal\)/,
    );
  });
});
