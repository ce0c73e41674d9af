import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { renderJsonSchemaFiles } from '../../../schemas/json-schema-files.ts';

const files = renderJsonSchemaFiles().map((f) => [f.file, f.content] as const);

describe('schemas/*.schema.json', () => {
  it.each(files)('%s is up to date with its TypeBox definition (else run: npx node schemas/write-json-schemas.ts)', (file, content) => {
    expect(readFileSync(new URL(`../../../schemas/${file}`, import.meta.url), 'utf8')).toBe(content);
  });

  it.each(files)('%s is a valid JSON Schema 2020-12 a plain validator compiles', (_file, content) => {
    const ajv = new Ajv2020({ strict: true, validateFormats: false });
    expect(() => ajv.compile(JSON.parse(content))).not.toThrow();
  });

  it('lets a non-TypeScript consumer validate a batch with the file alone', () => {
    const ajv = new Ajv2020({ strict: true, validateFormats: false });
    const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../../schemas/reading-batch.schema.json', import.meta.url), 'utf8')));
    const reading = { tag: '10LAB10CP001', ts: '2024-05-01T00:00:00Z', value: 1, quality: 'good' };
    expect(validate({ batchId: 'b-1', site: 'REF-01', source: 'gw', sentAt: '2024-05-01T00:00:00Z', readings: [reading] })).toBe(true);
    expect(validate({ batchId: 'b-1', site: 'REF-01', source: 'gw', sentAt: '2024-05-01T00:00:00Z', readings: [{ ...reading, ts: 'now' }] })).toBe(false);
  });
});
