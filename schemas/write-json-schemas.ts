// Writes schemas/*.schema.json from the TypeBox definitions. Run after changing a schema:
//   npx node schemas/write-json-schemas.ts
// test/unit/schemas/json-schemas.test.ts fails while a file is stale.
import { writeFileSync } from 'node:fs';
import { renderJsonSchemaFiles } from './json-schema-files.ts';

for (const { file, content } of renderJsonSchemaFiles()) {
  writeFileSync(new URL(file, import.meta.url), content);
  console.log(`wrote schemas/${file}`);
}
