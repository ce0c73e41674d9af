// What an integration test needs from the running emulator stack: the target, clients built by the
// project's own client module (never by hand), unique resource names so test files can run side by
// side, and the outage switch.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createClients, type Clients, type Target } from '../../functions/adapters/clients.ts';
import { emulatorTargetOf, setServiceState, type EmulatedService, type EmulatorEndpoints } from '../../local/emulators/stack.ts';

export function endpoints(): EmulatorEndpoints {
  return inject('emulators');
}

export function emulatorTarget(): Target {
  return emulatorTargetOf(endpoints(), inject('emulatorProjectId'));
}

let shared: Clients | undefined;
export function clients(): Clients {
  return (shared ??= createClients(emulatorTarget()));
}

/** A name no other test uses: lowercase letters, digits and dashes (valid for topics and buckets). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** The same, with underscores, for BigQuery datasets and tables. */
export function uniqueBigQueryName(prefix: string): string {
  return uniqueName(prefix).replaceAll('-', '_');
}

export function takeDown(service: EmulatedService): Promise<void> {
  return setServiceState(endpoints(), service, 'down');
}

export function bringUp(service: EmulatedService): Promise<void> {
  return setServiceState(endpoints(), service, 'up');
}
