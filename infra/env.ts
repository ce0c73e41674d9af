// Which environment variables each deployed function receives. The names themselves live in
// functions/core/function-env.ts, which the functions read and the local runtime sets too; this
// file only decides who gets what. Every function gets both bucket names (the functions' settings
// reader requires them at start); a name is not a permission, the IAM grants decide access.
import { ENV } from '../functions/core/function-env.ts';
import type { FunctionName } from '../functions/core/resources.ts';

export { ENV };
export type EnvKey = keyof typeof ENV;

export const FUNCTION_ENV: Readonly<Record<FunctionName, readonly EnvKey[]>> = {
  land: ['environment', 'rawBucket', 'configBucket'],
  detect: ['environment', 'rawBucket', 'configBucket', 'alertsTopic', 'stateShards'],
  notify: ['environment', 'rawBucket', 'configBucket', 'webhookUrl', 'webhookFormat', 'alertEmails'],
  daily: ['environment', 'rawBucket', 'configBucket', 'dataset', 'coldlineAgeDays', 'retentionDays', 'bigqueryLocation'],
  sweep: ['environment', 'rawBucket', 'configBucket', 'alertsTopic', 'stateShards'],
};

/** Variables injected from Secret Manager rather than set as plain values. */
export const SECRET_ENV: readonly EnvKey[] = ['webhookUrl'];
