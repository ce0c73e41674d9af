// With rules, a tag catalog and views present, the program uploads the files to the config
// bucket (where detect and notify read them) and creates the views after the tables.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { OBJECTS } from '../../functions/core/resources.ts';
import { type Run, runProgram } from './harness.ts';

let run: Run;
const dir = mkdtempSync(join(tmpdir(), 'plantlake-files-'));

beforeAll(async () => {
  writeFileSync(join(dir, 'rules.yaml'), 'rules: []\n');
  writeFileSync(join(dir, 'tags.yaml'), 'tags: []\n');
  const views = mkdtempSync(join(tmpdir(), 'plantlake-views-'));
  writeFileSync(
    join(views, 'latest_values.sql'),
    'SELECT site, tag, MAX(ts) AS ts FROM `${project}.${dataset}.readings` WHERE ts > TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 1 DAY) GROUP BY site, tag',
  );
  run = await runProgram('dev', {
    overrides: {
      'plantlake:rulesFile': join(dir, 'rules.yaml'),
      'plantlake:tagCatalogFile': join(dir, 'tags.yaml'),
      'plantlake:viewsDir': views,
    },
  });
}, 60_000);

test('rules and tag catalog land at the object names of resources.ts in the config bucket', () => {
  const rules = run.one('gcp:storage/bucketObject:BucketObject', 'rules').inputs;
  const tags = run.one('gcp:storage/bucketObject:BucketObject', 'tag-catalog').inputs;
  expect([rules.bucket, rules.name]).toEqual(['my-plantlake-dev-config', OBJECTS.rules]);
  expect([tags.bucket, tags.name]).toEqual(['my-plantlake-dev-config', OBJECTS.tagCatalog]);
});

test('a view is created with its placeholders filled in, in the dataset', () => {
  const v = run.one('gcp:bigquery/table:Table', 'view-latest_values').inputs;
  expect(v.tableId).toBe('latest_values');
  expect(v.datasetId).toBe('plantlake');
  expect(v.view.useLegacySql).toBe(false);
  expect(v.view.query).toContain('FROM `my-plantlake-dev.plantlake.readings`');
  expect(v.view.query).not.toContain('${');
});
