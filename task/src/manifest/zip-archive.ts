/**
 * Just enough of the ZIP format (PKWARE APPNOTE 4.3) to list a .vsix and read its files, so the
 * packaging check needs no extra dependency: the end-of-central-directory record, the central
 * directory, and stored or deflated entries. No ZIP64, which a .vsix of a few megabytes never needs.
 */
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

export class ZipArchive {
  readonly entries: readonly ZipEntry[];

  constructor(private readonly data: Buffer) {
    this.entries = readCentralDirectory(data);
  }

  names(): string[] {
    return this.entries.map((entry) => entry.name);
  }

  read(name: string): Buffer {
    const entry = this.entries.find((e) => e.name === name);
    if (!entry) throw new Error(`${name} is not in the archive`);
    const offset = entry.localHeaderOffset;
    if (this.data.readUInt32LE(offset) !== 0x04034b50) throw new Error(`${name}: bad local header`);
    const start = offset + 30 + this.data.readUInt16LE(offset + 26) + this.data.readUInt16LE(offset + 28);
    const raw = this.data.subarray(start, start + entry.compressedSize);
    if (entry.method === 0) return Buffer.from(raw);
    if (entry.method === 8) return inflateRawSync(raw);
    throw new Error(`${name}: unsupported compression method ${entry.method}`);
  }
}

function readCentralDirectory(data: Buffer): ZipEntry[] {
  // The end record is the last 22 bytes plus a comment of up to 65,535 bytes.
  let end = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a ZIP archive (no end of central directory record)');
  const count = data.readUInt16LE(end + 10);
  let offset = data.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (data.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt central directory');
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    entries.push({
      method: data.readUInt16LE(offset + 10),
      compressedSize: data.readUInt32LE(offset + 20),
      size: data.readUInt32LE(offset + 24),
      localHeaderOffset: data.readUInt32LE(offset + 42),
      name: data.toString('utf8', offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
