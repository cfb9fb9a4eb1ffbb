/**
 * The checks `npm run package` runs around tfx: before packaging, that task.json follows the
 * official schema and that the three version numbers agree; after, that the .vsix holds exactly
 * what ships (the manifests, task.json, one bundled JS file, the icons, the overview page) and
 * nothing left behind by a local run, such as task-lib's `.taskkey`.
 */
import type { ZipArchive } from './zip-archive';

export { checkTaskManifest } from './task-manifest-schema';
export { ZipArchive } from './zip-archive';

export interface ExtensionManifest {
  readonly version: string;
  readonly icons?: { readonly default?: string };
  readonly content?: { readonly details?: { readonly path?: string } };
  readonly files?: readonly { readonly path: string }[];
  readonly contributions?: readonly { readonly id: string; readonly type: string; readonly properties?: Record<string, unknown> }[];
}

export interface TaskVersion {
  readonly Major: number;
  readonly Minor: number;
  readonly Patch: number;
}

/** Files a task folder may hold; the bundle is the only code that ships. */
export const TASK_FOLDER_FILES = ['task.json', 'index.js', 'icon.png'] as const;

export function checkVersions(packageVersion: string, extension: ExtensionManifest, task: TaskVersion): string[] {
  const taskVersion = `${task.Major}.${task.Minor}.${task.Patch}`;
  const problems: string[] = [];
  if (extension.version !== packageVersion) problems.push(`vss-extension.json version ${extension.version} differs from package.json version ${packageVersion}`);
  // Agents cache a task by version: a new build with the same task version would not be picked up.
  if (taskVersion !== packageVersion) problems.push(`task.json version ${taskVersion} differs from package.json version ${packageVersion}`);
  return problems;
}

export function checkTaskFolder(files: readonly string[]): string[] {
  const unexpected = files.filter((file) => !(TASK_FOLDER_FILES as readonly string[]).includes(file));
  const missing = TASK_FOLDER_FILES.filter((file) => !files.includes(file));
  return [
    ...unexpected.map((file) => `task folder: unexpected file ${file} would ship in the .vsix; delete it`),
    ...missing.map((file) => `task folder: ${file} is missing${file === 'index.js' ? ' (run node scripts/build.mjs --only task)' : ''}`),
  ];
}

export interface VsixExpectations {
  readonly taskFolder: string;
  /** task.json as it is in the repository. */
  readonly taskJson: string;
  readonly extension: ExtensionManifest;
}

export function checkVsixContents(archive: ZipArchive, expected: VsixExpectations): string[] {
  const problems: string[] = [];
  const files = archive.names().filter((name) => !name.endsWith('/'));
  const allowed = new Set([
    '[Content_Types].xml',
    'extension.vsixmanifest',
    'extension.vsomanifest',
    ...TASK_FOLDER_FILES.map((file) => `${expected.taskFolder}/${file}`),
    ...(expected.extension.icons?.default ? [expected.extension.icons.default] : []),
    ...(expected.extension.content?.details?.path ? [expected.extension.content.details.path] : []),
  ]);
  for (const file of files) {
    if (!allowed.has(file)) problems.push(`unexpected file in the .vsix: ${file}`);
  }
  for (const file of allowed) {
    if (!files.includes(file)) problems.push(`missing from the .vsix: ${file}`);
  }
  const scripts = files.filter((file) => /\.(c|m)?js$/.test(file));
  if (scripts.length !== 1) problems.push(`the .vsix must hold exactly one JavaScript file (the bundle), found ${scripts.length}: ${scripts.join(', ')}`);
  if (problems.length > 0) return problems;

  if (archive.read(`${expected.taskFolder}/task.json`).toString('utf8') !== expected.taskJson) {
    problems.push(`${expected.taskFolder}/task.json in the .vsix differs from the repository's`);
  }
  const manifest = JSON.parse(archive.read('extension.vsomanifest').toString('utf8')) as ExtensionManifest;
  for (const contribution of expected.extension.contributions ?? []) {
    const packaged = manifest.contributions?.find((c) => c.id === contribution.id);
    if (!packaged) problems.push(`extension.vsomanifest lacks the contribution ${contribution.id}`);
    else if (packaged.type !== contribution.type) problems.push(`extension.vsomanifest: contribution ${contribution.id} has type ${packaged.type}, expected ${contribution.type}`);
  }
  const bundle = archive.read(`${expected.taskFolder}/index.js`).toString('utf8');
  if (!bundle.includes('task.complete')) problems.push(`${expected.taskFolder}/index.js does not look like the task bundle (no task-lib inside)`);
  return problems;
}
