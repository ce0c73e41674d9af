// Serving a function locally over HTTP, through the Functions Framework's own request handling
// (body parsing, push body → CloudEvent conversion, status codes), two ways:
//   - serveHandler: in this process, from source, via `getTestServer` of
//     @google-cloud/functions-framework/testing. Fast to start and easy to debug; used by
//     `npm start` and the tests. The framework's registry is process-wide, so each server
//     registers its handler under a unique name: several pipelines can share one process.
//   - serveBuilt: a built artifact (dist/functions/<name>) in a child process, started the way
//     Cloud Run starts it (`functions-framework --target=<name> --source=<dir>`), with the
//     environment given. Proves the bundle and its package.json load.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { cloudEvent } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { repoRoot } from '../repo-root.ts';

export interface ServedFunction {
  /** Base URL, e.g. http://127.0.0.1:39123 (POST to any path). */
  readonly url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  readonly host?: string;
  /** 0 or absent picks a free port. */
  readonly port?: number;
}

export async function serveHandler(name: string, handler: (event: unknown) => unknown, options: ServeOptions = {}): Promise<ServedFunction> {
  const registered = `${name}-${randomBytes(4).toString('hex')}`;
  cloudEvent(registered, handler);
  const server: Server = getTestServer(registered);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface BuiltServeOptions extends ServeOptions {
  readonly name: string;
  /** Folder with index.js and package.json (dist/functions/<name>). */
  readonly source: string;
  /** Environment of the function (settings and emulator endpoints), added to this process's. */
  readonly env: Readonly<Record<string, string>>;
  readonly readyTimeoutMs?: number;
}

export interface BuiltFunction extends ServedFunction {
  /** What the function printed so far (its structured logs and the framework's messages). */
  output(): string;
}

const frameworkMain = join(repoRoot, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');

export async function serveBuilt(options: BuiltServeOptions): Promise<BuiltFunction> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port || (await freePort(host));
  const env: Record<string, string | undefined> = { ...process.env, ...options.env, NODE_ENV: 'production' };
  delete env.STORAGE_EMULATOR_HOST; // see functions/adapters/clients.ts
  const child = spawn(process.execPath, [frameworkMain, `--target=${options.name}`, `--source=${options.source}`, `--port=${port}`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (output += s));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://${host}:${port}`;

  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`function ${options.name} from ${options.source} exited with code ${child.exitCode} before serving:\n${output}`);
    // A CloudEvent server answers GET with 404: any answer means it is listening.
    const answered = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      () => true,
      () => false,
    );
    if (answered) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`function ${options.name} from ${options.source} did not listen on ${url} within the timeout:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    output: () => output,
    async close() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
