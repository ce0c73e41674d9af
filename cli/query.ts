// `plantlake query`: runs SQL, or reads a named view of sql/views, against the dataset and prints
// the rows as a table or CSV. `${project}` and `${dataset}` in SQL are filled in as in sql/.
import type { BigQuery } from '@google-cloud/bigquery';
import Table from 'cli-table3';

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function sqlFor(input: string, projectId: string, dataset: string, limit: number): string {
  const text = input.trim();
  if (IDENTIFIER.test(text)) return `SELECT * FROM \`${projectId}.${dataset}.${text}\` LIMIT ${limit}`;
  return text.replaceAll('${project}', projectId).replaceAll('${dataset}', dataset);
}

type Row = Record<string, unknown>;

/** BigQuery values as an analyst reads them: timestamps and dates as ISO text, numbers as numbers. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function formatRows(rows: Row[], format: 'table' | 'csv'): string {
  if (rows.length === 0) return '(no rows)';
  const columns = Object.keys(rows[0]!);
  if (format === 'csv') {
    const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
    return [columns.join(','), ...rows.map((r) => columns.map((c) => quote(cell(r[c]))).join(','))].join('\n');
  }
  const table = new Table({ head: columns, style: { head: [], border: [] } });
  for (const r of rows) table.push(columns.map((c) => cell(r[c])));
  return table.toString();
}

export async function runQuery(bigquery: BigQuery, sql: string, location?: string): Promise<Row[]> {
  const [rows] = await bigquery.query({ query: sql, ...(location ? { location } : {}) });
  return rows as Row[];
}
