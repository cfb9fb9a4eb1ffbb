/**
 * The action under @github/local-action, GitHub's local runner for JavaScript actions: it runs the
 * TypeScript entry (`run()` of action/src/main.ts) with its own stand-in for @actions/core, inputs
 * from a dotenv file and the defaults of action.yml, and prints the outputs as a table. Offline:
 * the tool and tsx come from node_modules.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../sim/azure-devops/index';
import { startPortSimulator, type PortSimulator } from '../../sim/port/index';
import { byIdentifier, CLIENT_ID, CLIENT_SECRET, DATASOURCE, expectedEntities, IDENTIFIER, MAPPING, MAPPING_PATH, PAT, seedBlueprints } from './fixtures';
import { REPO_ROOT } from './runner';

const LOCAL_ACTION = join(REPO_ROOT, 'node_modules/@github/local-action/bin/local-action.js');

let port: PortSimulator;
let ado: AzureDevOpsSimulator;

beforeAll(async () => {
  port = await startPortSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  ado = await startAzureDevOpsSimulator({ scale: 'tiny', pat: PAT });
  seedBlueprints(port);
});

afterAll(async () => {
  await port?.close();
  await ado?.close();
});

/** Rows of the "Action Outputs" table local-action prints: `│ 0 │ 'result' │ 'success' │`. */
function outputsTable(stdout: string): Record<string, string> {
  const section = stdout.slice(stdout.lastIndexOf('Action Outputs'));
  const rows = [...section.matchAll(/^│\s*\d+\s*│\s*'([^']+)'\s*│\s*'([^']*)'\s*│$/gm)];
  return Object.fromEntries(rows.map((m): [string, string] => [m[1] ?? '', m[2] ?? '']));
}

it('syncs under @github/local-action, with the outputs and job summary it records', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-action-'));
  const workspace = join(dir, 'workspace');
  mkdirSync(dirname(join(workspace, MAPPING_PATH)), { recursive: true });
  writeFileSync(join(workspace, MAPPING_PATH), MAPPING);
  const summaryFile = join(dir, 'summary.md');
  writeFileSync(summaryFile, '');
  const dotenv = join(dir, '.env');
  writeFileSync(
    dotenv,
    [
      `INPUT_PORT-CLIENT-ID=${CLIENT_ID}`,
      `INPUT_PORT-CLIENT-SECRET=${CLIENT_SECRET}`,
      `INPUT_PORT-BASE-URL=${port.baseUrl}`,
      `INPUT_INTEGRATION-IDENTIFIER=${IDENTIFIER}`,
      `INPUT_ORGANIZATION-URL=${ado.serverUrl}`,
      `INPUT_PERSONAL-ACCESS-TOKEN=${PAT}`,
      'INPUT_INITIALIZE-PORT-RESOURCES=false',
      `INPUT_MAPPING=${MAPPING_PATH}`,
      `GITHUB_WORKSPACE=${workspace}`,
      `RUNNER_TEMP=${dir}`,
      `GITHUB_STEP_SUMMARY=${summaryFile}`,
    ].join('\n'),
  );

  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
    // local-action finds the project with `npm ls` in the working directory.
    execFile(process.execPath, [LOCAL_ACTION, 'run', '.', 'action/src/main.ts', dotenv], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir }, maxBuffer: 64 * 1024 * 1024 }, (error, out, err) =>
      error ? reject(new Error(`local-action failed: ${error.message}\n${err}`)) : resolve({ stdout: out }),
    );
  });

  const expected = expectedEntities(ado);
  const total = expected.projects.length + expected.repositories.length;
  expect(outputsTable(stdout)).toEqual({
    result: 'success',
    'exit-code': '0',
    listed: String(total),
    upserted: String(total),
    unchanged: '0',
    failed: '0',
    deleted: '0',
    'summary-path': join(dir, 'port-ado-sync-summary.json'),
  });
  expect(stdout).toContain('::group::project (resources[0])');
  // local-action keeps masks to itself; the secret must still never be printed.
  expect(stdout).not.toContain(CLIENT_SECRET);
  expect(stdout).not.toContain(PAT);
  expect(readFileSync(summaryFile, 'utf8')).toMatch(/\| repository #1 \| 3 \| 3 \|/);
  expect(byIdentifier(port.entities('adoRepository')).map((e) => ({ identifier: e.identifier, title: e.title, relations: e.relations }))).toEqual(byIdentifier(expected.repositories));
  for (const entity of port.entities('adoProject')) expect(entity.datasource).toBe(DATASOURCE);
});
