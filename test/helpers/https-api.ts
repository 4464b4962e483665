// HTTPS requests to a test server's admin API (and other JSON APIs) as a script makes them: a
// real TLS connection, bearer token or other Authorization, JSON or text bodies.
import type { IncomingHttpHeaders } from 'node:http';
import { request, type Agent } from 'node:https';
import type { TestServer } from './harness.ts';

export interface Reply<T> {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body as received, for downloads. */
  bytes: Buffer;
  /** The parsed body when the server sent JSON. */
  json: T;
}

export interface RequestOptions {
  /** Bearer token; `null` sends no Authorization header. */
  token?: string | null;
  authorization?: string;
  json?: unknown;
  body?: string;
  contentType?: string;
  /** Further request headers (cookies, a CSRF header). */
  headers?: Record<string, string>;
}

export function call<T>(server: TestServer, agent: Agent, method: string, path: string, options: RequestOptions, prefix = '/api/admin') {
  const headers: Record<string, string> = { ...options.headers };
  if (options.authorization) headers.authorization = options.authorization;
  else if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: Buffer | undefined;
  if (options.json !== undefined) {
    payload = Buffer.from(JSON.stringify(options.json));
    headers['content-type'] = 'application/json';
  } else if (options.body !== undefined) {
    payload = Buffer.from(options.body);
    headers['content-type'] = options.contentType ?? 'text/csv';
  }
  if (payload) headers['content-length'] = String(payload.length);
  return new Promise<Reply<T>>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.ports.https,
        servername: 'localhost',
        agent,
        method,
        path: `${prefix}${path}`,
        headers,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          const isJson = /json/.test(res.headers['content-type'] ?? '');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            bytes,
            json: (isJson ? JSON.parse(text) : undefined) as T,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

