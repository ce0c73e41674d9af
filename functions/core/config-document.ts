// Config files (tag catalog, tariffs) arrive as YAML or JSON text, or as an already parsed value:
// one reading of the text, with the syntax error said the same way for each.
import { parseDocument } from 'yaml';
import type { Problem } from './problems.ts';

export type ConfigDocument = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: Problem };

export function readConfigDocument(input: string | unknown): ConfigDocument {
  if (typeof input !== 'string') return { ok: true, value: input };
  const doc = parseDocument(input, { prettyErrors: true });
  const error = doc.errors[0];
  if (error !== undefined)
    return { ok: false, problem: { path: '', reason: `not valid YAML or JSON: ${error.message.split('\n')[0]}; fix the syntax at that line` } };
  return { ok: true, value: doc.toJS() };
}
