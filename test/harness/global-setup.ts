// Vitest global setup of the integration project: builds the emulator stack if needed, starts it
// once on free ports for the whole run, and hands its endpoints to the tests through inject().
import type { TestProject } from 'vitest/node';
import { assertNodeVersion } from '../../cli/node-version.ts';
import { startEmulators, type EmulatorEndpoints } from '../../local/emulators/stack.ts';
import { buildTelegraf } from '../../local/gateway/telegraf-build.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    emulators: EmulatorEndpoints;
    emulatorProjectId: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  assertNodeVersion();
  // The gateway tests run a real Telegraf: build it here, once, with progress (not inside a test's timeout).
  await buildTelegraf();
  const stack = await startEmulators();
  project.provide('emulators', stack.endpoints);
  project.provide('emulatorProjectId', stack.projectId);
  return () => stack.stop();
}
