import type { IncomingMessage, ServerResponse } from 'node:http';

export type ReadBody = { bytes: number; buffer: Buffer | undefined; tooLarge: boolean };

/**
 * Reads a request body, keeping at most `limit` bytes. A larger body is drained and dropped, so
 * the client can finish sending and read the 413 instead of seeing a reset connection.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve({ bytes, buffer: bytes > limit ? undefined : Buffer.concat(chunks), tooLarge: bytes > limit }));
    req.on('error', reject);
  });
}

export function sendBody(res: ServerResponse, status: number, headers: Record<string, string>, payload: string | undefined): number {
  const data = payload === undefined ? Buffer.alloc(0) : Buffer.from(payload, 'utf8');
  res.writeHead(status, { 'content-length': String(data.length), ...headers });
  res.end(data);
  return data.length;
}

export function queryObject(query: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    result[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return result;
}
