// The README's run command, as a newcomer runs it (`npm start`), at a small scale: it must start
// its own emulators, show alarms as they happen, load the day and end with the analyst's report.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../local/repo-root.ts';

describe('npm start', () => {
  it('runs the pipeline on its own emulators and ends with an analyst report', { timeout: 240_000 }, () => {
    const run = spawnSync(process.execPath, ['scripts/start.ts', '--exit', '--free-ports', '--hours', '9-11', '--speed', '0'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 230_000,
    });
    const out = run.stdout;
    expect(run.status, `${out}\n${run.stderr}`).toBe(0);
    expect(out).toContain('Starting the emulator stack');
    expect(out).toMatch(/🔔 MEDIUM · H active · 10EGB10CL001 Tank TK-101 level/);
    expect(out).toMatch(/🔔 CRITICAL · HH cleared · 10EGB10CL001/);
    // 18 tags × 720 readings (two hours every 10 s).
    expect(out).toMatch(/loaded 1 day\(s\) \(\d{4}-\d\d-\d\d\), 12960 rows/);
    expect(out).toContain("Analyst's report for");
    expect(out).toContain('Time in alarm');
    expect(out).toMatch(/Done in \d+ s: 12,960 readings published, 4 alarm notifications, 12,960 rows loaded/);
    expect(out).toContain('Energy cost per meter, local day and band');
    expect(out).toContain('Tank balance: opening and closing stock, flows, unexplained difference, days of cover');
  });
});
