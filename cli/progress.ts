// Progress of a multi-day load on the terminal: a bar weighted by each day's raw bytes (days differ
// in size, bytes predict time better than a day count), rows so far and the time left. Without a
// terminal (CI, a pipe) one line per day instead, with the same estimate.
import cliProgress from 'cli-progress';
import type { RunPlan } from '../functions/daily/run.ts';
import type { DayReport } from '../functions/daily/report.ts';

export interface Progress {
  plan(plan: RunPlan): void;
  day(report: DayReport): void;
  stop(): void;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 90) return `${Math.round(s)}s`;
  if (s < 5400) return `${Math.round(s / 60)}min`;
  return `${(s / 3600).toFixed(1)}h`;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let bar: cliProgress.SingleBar | undefined;
  let bytesByDay = new Map<string, number>();
  let totalBytes = 0;
  let doneBytes = 0;
  let totalDays = 0;
  let doneDays = 0;
  let rows = 0;
  const started = Date.now();
  const etaSeconds = () => (doneBytes === 0 ? NaN : ((Date.now() - started) / 1000) * ((totalBytes - doneBytes) / doneBytes));

  return {
    plan(plan) {
      const days = new Set(plan.loads.load.map((d) => d.day));
      bytesByDay = new Map(plan.listings.filter((l) => days.has(l.day)).map((l) => [l.day, l.objects.reduce((n, o) => n + o.size, 0)]));
      totalBytes = [...bytesByDay.values()].reduce((a, b) => a + b, 0);
      totalDays = days.size;
      stream.write(`${totalDays} day(s) to load (${(totalBytes / 1e6).toFixed(1)} MB of raw objects), ${plan.loads.upToDate.length} up to date\n`);
      if (totalDays > 0 && stream.isTTY) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: ' {bar} {percentage}% | {days}/{totalDays} days | {rows} rows | left {left} | {day}',
            hideCursor: true,
            etaBuffer: 20,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(totalBytes, 1), 0, { days: 0, totalDays, rows: 0, left: '?', day: '' });
      }
    },
    day(report) {
      doneDays += 1;
      doneBytes += bytesByDay.get(report.day) ?? 0;
      rows += report.status === 'succeeded' ? report.rowsKept : 0;
      const left = formatSeconds(etaSeconds());
      const outcome = report.status === 'succeeded' ? `${report.rowsKept} rows${report.badRows ? `, ${report.badRows} bad` : ''}` : `FAILED: ${report.error}`;
      if (bar) {
        bar.update(doneBytes, { days: doneDays, rows, left, day: `${report.day} ${report.status === 'succeeded' ? 'ok' : 'FAILED'}` });
        if (report.status === 'failed') {
          bar.stop();
          stream.write(`${report.day}: ${outcome}\n`);
          bar.start(Math.max(totalBytes, 1), doneBytes, { days: doneDays, totalDays, rows, left, day: '' });
        }
      } else {
        stream.write(`[${doneDays}/${totalDays}] ${report.day}: ${outcome} (${report.durationMs} ms; about ${left} left)\n`);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
