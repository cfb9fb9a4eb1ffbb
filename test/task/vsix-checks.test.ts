import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkTaskFolder, checkVersions, checkVsixContents, type ExtensionManifest } from '../../task/src/manifest/package-checks';
import { ZipArchive } from '../../task/src/manifest/zip-archive';

/** A minimal ZIP writer (APPNOTE 4.3), independent of the reader under test; even entries are deflated, odd ones stored. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  Object.entries(files).forEach(([name, text], index) => {
    const data = Buffer.from(text, 'utf8');
    const method = index % 2 === 0 ? 8 : 0;
    const stored = method === 8 ? deflateRawSync(data) : data;
    const nameBytes = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, stored);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + stored.length;
  });
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const TASK_JSON = '{"name":"PortSync"}';
const EXTENSION: ExtensionManifest = {
  version: '0.1.0',
  icons: { default: 'images/icon.png' },
  content: { details: { path: 'docs/marketplace-overview.md' } },
  contributions: [
    { id: 'port-sync-task', type: 'ms.vss-distributed-task.task' },
    { id: 'port-service-connection', type: 'ms.vss-endpoint.service-endpoint-type' },
  ],
};
const GOOD = {
  '[Content_Types].xml': '<Types/>',
  'extension.vsixmanifest': '<PackageManifest/>',
  'extension.vsomanifest': JSON.stringify({ contributions: EXTENSION.contributions }),
  'task/': '',
  'task/PortSyncV0/task.json': TASK_JSON,
  'task/PortSyncV0/index.js': '/* bundle */ console.log("##vso[task.complete result=Succeeded;]")',
  'task/PortSyncV0/icon.png': 'png',
  'images/icon.png': 'png',
  'docs/marketplace-overview.md': '# Port sync',
};
const check = (files: Record<string, string>) => checkVsixContents(new ZipArchive(zip(files)), { taskFolder: 'task/PortSyncV0', taskJson: TASK_JSON, extension: EXTENSION });

describe('.vsix contents', () => {
  it('reads stored and deflated entries', () => {
    const archive = new ZipArchive(zip(GOOD));
    expect(archive.read('task/PortSyncV0/task.json').toString()).toBe(TASK_JSON);
    expect(archive.read('extension.vsixmanifest').toString()).toBe('<PackageManifest/>');
  });

  it('accepts exactly the files that ship', () => {
    expect(check(GOOD)).toEqual([]);
  });

  it('reports a stray .taskkey and any other extra file', () => {
    expect(check({ ...GOOD, 'task/PortSyncV0/.taskkey': 'key' })).toEqual(['unexpected file in the .vsix: task/PortSyncV0/.taskkey']);
    expect(check({ ...GOOD, 'task/PortSyncV0/node_modules/x/index.ts': '' })).toEqual(['unexpected file in the .vsix: task/PortSyncV0/node_modules/x/index.ts']);
  });

  it('requires exactly one JavaScript file', () => {
    expect(check({ ...GOOD, 'task/PortSyncV0/chunk.js': '' })).toContainEqual(
      'the .vsix must hold exactly one JavaScript file (the bundle), found 2: task/PortSyncV0/index.js, task/PortSyncV0/chunk.js',
    );
  });

  it('reports missing files, a task.json that differs from the repository, and missing contributions', () => {
    const { 'images/icon.png': _icon, ...noIcon } = GOOD;
    expect(check(noIcon)).toEqual(['missing from the .vsix: images/icon.png']);
    expect(check({ ...GOOD, 'task/PortSyncV0/task.json': '{"name":"Other"}' })).toEqual(["task/PortSyncV0/task.json in the .vsix differs from the repository's"]);
    expect(check({ ...GOOD, 'extension.vsomanifest': '{"contributions":[]}' })).toEqual([
      'extension.vsomanifest lacks the contribution port-sync-task',
      'extension.vsomanifest lacks the contribution port-service-connection',
    ]);
  });
});

describe('before packaging', () => {
  it('requires one version across package.json, vss-extension.json and task.json', () => {
    expect(checkVersions('0.1.0', EXTENSION, { Major: 0, Minor: 1, Patch: 0 })).toEqual([]);
    expect(checkVersions('0.2.0', EXTENSION, { Major: 0, Minor: 1, Patch: 0 })).toEqual([
      'vss-extension.json version 0.1.0 differs from package.json version 0.2.0',
      'task.json version 0.1.0 differs from package.json version 0.2.0',
    ]);
  });

  it('allows only task.json, the bundle and the icon in the task folder', () => {
    expect(checkTaskFolder(['task.json', 'index.js', 'icon.png'])).toEqual([]);
    expect(checkTaskFolder(['task.json', 'icon.png', 'index.js.map'])).toEqual([
      'task folder: unexpected file index.js.map would ship in the .vsix; delete it',
      'task folder: index.js is missing (run node scripts/build.mjs --only task)',
    ]);
  });
});
