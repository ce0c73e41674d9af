// Value checks for stack config: each returns why a value is wrong, or undefined when it is fine.
import { bucketNames } from '../functions/core/resources.ts';
import type { Check } from './config-readers.ts';

export const email: Check = (v) => (/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(v) ? undefined : 'not an e-mail address');

export const member: Check = (v) => {
  if (v === 'allUsers' || v === 'allAuthenticatedUsers') return 'public members are never allowed';
  return /^(serviceAccount|group|user|principal|principalSet):\S+$/.test(v)
    ? undefined
    : 'expected an IAM member such as serviceAccount:gw@my-project.iam.gserviceaccount.com';
};

export const region: Check = (v) => (/^[a-z]+-[a-z]+\d+$/.test(v) ? undefined : 'not a Google Cloud region');

const longestBucketSuffix = Math.max(...Object.values(bucketNames('')).map((n) => n.length));
export const bucketPrefix: Check = (v) => {
  if (!/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(v)) return 'use lowercase letters, digits and dashes';
  if (v.length + longestBucketSuffix > 63) return `at most ${63 - longestBucketSuffix} characters`;
  if (v.startsWith('goog') || v.includes('google')) return 'bucket names may not start with "goog" or contain "google"';
  return undefined;
};

// unix-cron as Cloud Scheduler reads it: five fields.
// https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules
export const cron: Check = (v) =>
  /^\s*(\S+\s+){4}\S+\s*$/.test(v) &&
  v
    .trim()
    .split(/\s+/)
    .every((f) => /^[\d*/,\-A-Za-z]+$/.test(f))
    ? undefined
    : 'expected five unix-cron fields';

export const timeZone: Check = (v) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return undefined;
  } catch {
    return 'not an IANA time zone';
  }
};

export const httpsUrl: Check = (v) => {
  try {
    return new URL(v).protocol === 'https:' ? undefined : 'must use https';
  } catch {
    return 'not a URL';
  }
};

export const memory: Check = (v) => (/^[1-9]\d*(Mi|Gi|M|G)$/.test(v) ? undefined : 'expected e.g. 256Mi or 1Gi');

export const path: Check = (v) => (v.trim() === v ? undefined : 'no leading or trailing spaces');
