import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { HttpNetworkError, ResponseTooLargeError } from './network-error';

/** The encodings we ask for and decode: JSON pages shrink several-fold on the way from the cloud. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

const unzip = promisify(zlib.unzip);
const inflateRaw = promisify(zlib.inflateRaw);
const brotliDecompress = promisify(zlib.brotliDecompress);
// Lenient at the end, like browsers and curl: a stream whose final block is missing still yields what arrived.
const ZLIB_FLUSH = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_FLUSH = { flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };

/**
 * Reads the whole body, decoded. Past `maxBytes` (declared or counted) it stops reading, destroys the
 * stream and rejects with ResponseTooLargeError. A body that fails after the headers arrived is a
 * truncated answer (HttpNetworkError with `truncated`), except for a body timeout, which is a timeout.
 * Every path ends with the stream consumed or destroyed, so no connection is left waiting.
 */
export async function readResponseBody(body: Readable, headers: Readonly<Record<string, string>>, maxBytes: number | undefined): Promise<Buffer> {
  const declared = Number(headers['content-length']);
  if (maxBytes !== undefined && declared > maxBytes) {
    // Destroying emits the abort as an error; nobody else listens for it.
    body.on('error', () => undefined).destroy();
    throw new ResponseTooLargeError(maxBytes);
  }
  const raw = await collect(body, maxBytes);
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  return raw.length === 0 || !encoding || encoding === 'identity' ? raw : decode(raw, encoding, maxBytes);
}

function collect(body: Readable, maxBytes: number | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    body.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (maxBytes !== undefined && length > maxBytes) {
        body.destroy();
        reject(new ResponseTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    body.on('end', () => resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, length)));
    body.on('error', (error) => reject(HttpNetworkError.from(error, !isBodyTimeout(error))));
  });
}

async function decode(raw: Buffer, encoding: string, maxBytes: number | undefined): Promise<Buffer> {
  const limit = maxBytes === undefined ? {} : { maxOutputLength: maxBytes };
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return await unzip(raw, { ...ZLIB_FLUSH, ...limit });
    // "deflate" is meant to be zlib-wrapped, but some servers send a raw deflate stream.
    if (encoding === 'deflate') return await (isZlibWrapped(raw) ? unzip(raw, { ...ZLIB_FLUSH, ...limit }) : inflateRaw(raw, { ...ZLIB_FLUSH, ...limit }));
    if (encoding === 'br') return await brotliDecompress(raw, { ...BROTLI_FLUSH, ...limit });
  } catch (error) {
    if (maxBytes !== undefined && (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw new ResponseTooLargeError(maxBytes);
    throw HttpNetworkError.from(error, false);
  }
  return raw; // an encoding we did not ask for: handed over as it came
}

/** A zlib stream starts with a CMF byte whose low nibble is 8 (deflate); a raw deflate stream need not. */
function isZlibWrapped(raw: Buffer): boolean {
  return ((raw[0] ?? 0) & 0x0f) === 8;
}

function isBodyTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'UND_ERR_BODY_TIMEOUT';
}
