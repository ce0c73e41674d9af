// Renders the JSON Schema files (schemas/<name>.schema.json) from the TypeBox definitions, for
// consumers that are not TypeScript. Pure: returns file names and contents; writing is the script's.
import { JSON_SCHEMAS } from './index.ts';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
const BASE = 'https://plantlake.dev/schemas/';

export function renderJsonSchemaFiles(): Array<{ file: string; content: string }> {
  return Object.entries(JSON_SCHEMAS).map(([name, schema]) => {
    const file = `${name}.schema.json`;
    // JSON.stringify drops TypeBox's symbol-keyed metadata, leaving plain JSON Schema.
    const document = { $schema: DRAFT, $id: BASE + file, ...JSON.parse(JSON.stringify(schema)) };
    return { file, content: `${JSON.stringify(document, null, 2)}\n` };
  });
}
