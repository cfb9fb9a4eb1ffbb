// Builds the Marketplace .vsix offline with tfx-cli, and fails where tfx would only warn:
//   1. task.json must follow the official task schema (our zod encoding of it, task/src/manifest);
//   2. package.json, vss-extension.json and task.json must carry the same version;
//   3. the task folder may hold only task.json, the bundle and the icon (a stray .taskkey, left by
//      a local run of the bundle without AGENT_TEMPDIRECTORY, is deleted; anything else fails);
//   4. tfx must print no warning at all;
//   5. the .vsix must hold exactly the files that ship, with the repository's task.json.
// Usage: node scripts/package-vsix.mjs [--output-path out] [any other tfx flag, e.g. --publisher me]
// Run `node scripts/build.mjs --only task` first (npm run package does).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(new URL('..', import.meta.url).pathname);
const taskFolder = 'task/PortSyncV0';
const args = process.argv.slice(2);
const outputIndex = args.indexOf('--output-path');
const outputPath = outputIndex >= 0 ? args.splice(outputIndex, 2)[1] : 'out';

const fail = (problems) => {
  console.error(`npm run package failed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
};

// The checks are TypeScript (and tested as such); bundle them for this one run.
const scratch = mkdtempSync(join(tmpdir(), 'package-vsix-'));
const checksFile = join(scratch, 'package-checks.cjs');
await build({ entryPoints: [join(root, 'task/src/manifest/package-checks.ts')], outfile: checksFile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
const checks = createRequire(import.meta.url)(checksFile);
rmSync(scratch, { recursive: true, force: true });

const readJson = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const taskJsonPath = join(root, taskFolder, 'task.json');
const taskJsonText = readFileSync(taskJsonPath, 'utf8');
const taskJson = JSON.parse(taskJsonText);
const extension = readJson('vss-extension.json');
const pkg = readJson('package.json');

const strayKey = join(root, taskFolder, '.taskkey');
if (existsSync(strayKey)) {
  rmSync(strayKey);
  console.log(`Deleted ${taskFolder}/.taskkey (left by a local run of the bundle; set AGENT_TEMPDIRECTORY when running it).`);
}
const before = [
  ...checks.checkTaskManifest(taskJson, taskJsonPath).map((p) => `${taskFolder}/task.json: ${p}`),
  ...checks.checkVersions(pkg.version, extension, taskJson.version),
  ...checks.checkTaskFolder(readdirSync(join(root, taskFolder))),
];
if (before.length > 0) fail(before);

const tfx = createRequire(import.meta.url).resolve('tfx-cli/_build/tfx-cli.js');
const run = spawnSync(
  process.execPath,
  [tfx, 'extension', 'create', '--root', root, '--manifest-globs', 'vss-extension.json', '--output-path', resolve(root, outputPath), '--no-prompt', '--json', '--no-color', ...args],
  { cwd: root, encoding: 'utf8' },
);
const output = `${run.stdout}\n${run.stderr}`;
const warnings = output.split('\n').filter((line) => /warn|error/i.test(line));
if (run.status !== 0 || warnings.length > 0) fail([`tfx exited with ${run.status} and printed:`, ...(warnings.length > 0 ? warnings : [output.trim()])]);
const result = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));

const archive = new checks.ZipArchive(readFileSync(result.path));
const after = checks.checkVsixContents(archive, { taskFolder, taskJson: taskJsonText, extension });
if (after.length > 0) fail(after);

console.log(`${relative(root, result.path)}: ${result.publisher}.${result.extensionId} ${result.version}, ${archive.entries.length} entries checked:`);
for (const name of archive.names().filter((n) => !n.endsWith('/'))) console.log(`  ${name}`);
