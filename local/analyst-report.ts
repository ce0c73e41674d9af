// The analyst's answer at the end of `npm start`: alarm KPIs, hourly statistics of a few tags,
// data quality, the feeder's energy cost and the tank balance for the simulated day, read from
// the views in sql/views exactly as an analyst would query them in the BigQuery console (with a
// filter on the day, so partitions are pruned).
import type { BigQuery } from '@google-cloud/bigquery';
import { formatRows } from '../cli/query.ts';
import { isDay } from '../functions/core/lake-paths.ts';

export interface ReportSection {
  title: string;
  sql: string;
  rows: Record<string, unknown>[];
}

export function reportQueries(projectId: string, dataset: string, day: string, tags: readonly string[]): { title: string; sql: string }[] {
  // Values pasted into SQL below: refuse anything that could end a literal or an identifier.
  if (!isDay(day)) throw new Error(`the report day must be YYYY-MM-DD (got "${day}")`);
  for (const t of tags) if (!/^[A-Za-z0-9 =._-]+$/.test(t)) throw new Error(`a report tag must be a KKS code (got "${t}")`);
  if (!/^[A-Za-z0-9_]+$/.test(dataset) || !/^[a-z0-9.:-]+$/.test(projectId)) throw new Error(`not a dataset/project id: ${projectId}.${dataset}`);
  const v = (name: string) => `\`${projectId}.${dataset}.${name}\``;
  const tagList = tags.map((t) => `'${t}'`).join(', ');
  return [
    {
      title: 'Alarm activations by tag (ISA-18.2: the top 10 should carry a small share of the load)',
      sql: `SELECT site, tag, condition, activations, share_of_site FROM ${v('alarm_top_tags')} WHERE day = '${day}' ORDER BY site, rank`,
    },
    {
      title: 'Time in alarm',
      sql: `SELECT site, tag, condition, seconds_in_alarm, activations_started FROM ${v('alarm_time_in_alarm')} WHERE day = '${day}' ORDER BY seconds_in_alarm DESC`,
    },
    {
      title: 'Alarm load per site and hour (ISA-18.2: ≤ 6 per hour acceptable, > 10 in 10 minutes is a flood)',
      sql: `SELECT site, hour_start, activations, isa_18_2_load FROM ${v('alarm_rate_hourly')} WHERE day = '${day}' ORDER BY site, hour_start`,
    },
    {
      title: `Hourly statistics of ${tags.join(', ')} (the hours around the incidents)`,
      sql:
        `SELECT tag, hour_start, reading_count, min_value, max_value, mean_value, last_value, unit FROM ${v('readings_hourly')} ` +
        `WHERE day = '${day}' AND tag IN (${tagList}) AND (EXTRACT(HOUR FROM hour_start) BETWEEN 8 AND 10 OR EXTRACT(HOUR FROM hour_start) = 14) ORDER BY tag, hour_start`,
    },
    {
      title: 'Data quality: tags with bad or uncertain readings, and gaps over 5 minutes',
      sql:
        `SELECT q.site, q.tag, q.readings, q.bad, q.not_good_share, COUNT(g.gap_start) AS gaps, MAX(g.gap_seconds) AS longest_gap_s ` +
        `FROM ${v('dq_quality_daily')} q LEFT JOIN ${v('dq_gaps')} g ON g.site = q.site AND g.tag = q.tag AND g.day = q.day ` +
        `WHERE q.day = '${day}' GROUP BY q.site, q.tag, q.readings, q.bad, q.not_good_share ` +
        `HAVING q.bad > 0 OR COUNT(g.gap_start) > 0 ORDER BY q.site, q.tag`,
    },
    {
      // The simulated UTC day spans two local days of the feeder's time zone (config/tariffs.yaml).
      title: 'Energy cost per meter, local day and band (config/tariffs.yaml)',
      sql:
        `SELECT site, tag, local_day, band, price_per_kwh, currency, ROUND(SUM(kwh), 1) AS kwh, ROUND(SUM(cost), 2) AS cost FROM ${v('energy_cost_intervals')} ` +
        `WHERE local_day BETWEEN '${day}' AND DATE_ADD('${day}', INTERVAL 1 DAY) GROUP BY site, tag, local_day, band, price_per_kwh, currency ORDER BY site, tag, local_day, band`,
    },
    {
      title: 'Tank balance: opening and closing stock, flows, unexplained difference, days of cover',
      sql:
        `SELECT b.site, b.tank, b.product, ROUND(b.opening_stock) AS opening, ROUND(b.closing_stock) AS closing, ROUND(b.receipts) AS receipts, ROUND(b.dispatches) AS dispatches, ` +
        `ROUND(b.unexplained) AS unexplained, ROUND(c.days_to_empty, 1) AS days_to_empty, ROUND(c.days_to_full, 1) AS days_to_full ` +
        `FROM ${v('tank_balance_daily')} b JOIN ${v('tank_days_of_cover')} c ON c.site = b.site AND c.tank = b.tank AND c.day = b.day WHERE b.day = '${day}' ORDER BY b.site, b.tank`,
    },
  ];
}

export async function analystReport(bigquery: BigQuery, projectId: string, dataset: string, day: string, tags: readonly string[]): Promise<ReportSection[]> {
  const sections: ReportSection[] = [];
  for (const q of reportQueries(projectId, dataset, day, tags)) {
    const [rows] = await bigquery.query(q.sql);
    sections.push({ ...q, rows: rows as Record<string, unknown>[] });
  }
  return sections;
}

export function formatReport(sections: readonly ReportSection[]): string {
  return sections.map((s) => `\n${s.title}\n${formatRows(s.rows, 'table')}`).join('\n');
}
