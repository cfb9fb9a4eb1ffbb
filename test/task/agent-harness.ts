/**
 * Runs the bundled task the way the Azure Pipelines agent does: `node index.js` with the
 * environment the agent builds for a Node handler, and reads back the logging commands.
 *
 * What the agent provides (packaging-and-conventions.md A4, and the agent's Node handler):
 * - every input as INPUT_<NAME>, the ones the pipeline left out filled with task.json's default,
 *   filePath inputs rooted at System.DefaultWorkingDirectory (an empty one becomes that directory);
 * - public variables as environment variables (upper case, `.` → `_`), listed in VSTS_PUBLIC_VARIABLES;
 * - secret variables only as SECRET_<NAME>, listed in VSTS_SECRET_VARIABLES;
 * - each service connection an input names as ENDPOINT_URL_<id>, ENDPOINT_AUTH_<id> (JSON),
 *   ENDPOINT_AUTH_SCHEME_<id> and ENDPOINT_AUTH_PARAMETER_<id>_<KEY>;
 * - the job's SystemVssConnection endpoint with its ACCESSTOKEN.
 * Nothing else from the test process leaks in (no HTTPS_PROXY of the machine running the tests).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export const TASK_DIR = join(__dirname, '../../task/PortSyncV0');
export const BUNDLE = join(TASK_DIR, 'index.js');

interface TaskJsonInput {
  name: string;
  type: string;
  defaultValue?: string;
}
const TASK_INPUTS = (JSON.parse(readFileSync(join(TASK_DIR, 'task.json'), 'utf8')) as { inputs: TaskJsonInput[] }).inputs;

export interface ServiceConnection {
  url: string;
  /** Basic scheme: the Port connection type relabels these Client ID / Client Secret. */
  username: string;
  password: string;
}

export interface AgentJob {
  /** Inputs as the pipeline's YAML gives them (macros already expanded, as the agent does). */
  inputs?: Record<string, string>;
  variables?: Record<string, string>;
  secretVariables?: Record<string, string>;
  /** Service connections by id. */
  connections?: Record<string, ServiceConnection>;
  collectionUri: string;
  jobAccessToken?: string;
  /** Agent.ProxyUrl and friends, as `config.sh --proxyurl … --proxyusername … --proxypassword …` sets them. */
  proxy?: { url: string; username?: string; password?: string; bypass?: string[] };
}

export interface LoggingCommand {
  /** `task.complete`, `task.setvariable`… */
  name: string;
  properties: Record<string, string>;
  data: string;
}

export interface TaskRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  commands: LoggingCommand[];
  workingDirectory: string;
  tempDirectory: string;
  /** The secrets the agent itself knows and masks (secret variables, confidential connection fields). */
  agentSecrets: string[];
  /** `task.complete result=…` */
  result: string | undefined;
  outputs: Record<string, string>;
  errors: LoggingCommand[];
  warnings: LoggingCommand[];
  /** stdout as the job log shows it: masked with the agent's secrets and every `task.setsecret` from the moment it is registered. */
  maskedLog: string;
}

const envName = (name: string) => name.replace(/[.\s]/g, '_').toUpperCase();

export function agentEnvironment(job: AgentJob, dirs: { work: string; temp: string }): { env: Record<string, string>; agentSecrets: string[] } {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  const agentSecrets: string[] = [];
  const publicVariables: Record<string, string> = {
    'Agent.TempDirectory': dirs.temp,
    'Agent.Version': '4.260.0',
    'System.DefaultWorkingDirectory': dirs.work,
    'Build.SourcesDirectory': dirs.work,
    'System.CollectionUri': job.collectionUri,
    'System.TeamFoundationCollectionUri': job.collectionUri,
    'System.TeamProject': 'pipelines',
    ...job.variables,
  };
  const secretVariables: Record<string, string> = { ...job.secretVariables };
  if (job.proxy) {
    publicVariables['Agent.ProxyUrl'] = job.proxy.url;
    if (job.proxy.username) publicVariables['Agent.ProxyUsername'] = job.proxy.username;
    if (job.proxy.password) secretVariables['Agent.ProxyPassword'] = job.proxy.password;
    publicVariables['Agent.ProxyBypassList'] = JSON.stringify(job.proxy.bypass ?? []);
  }
  for (const [name, value] of Object.entries(publicVariables)) env[envName(name)] = value;
  for (const [name, value] of Object.entries(secretVariables)) {
    env[`SECRET_${envName(name)}`] = value;
    agentSecrets.push(value);
  }
  env.VSTS_PUBLIC_VARIABLES = JSON.stringify(Object.keys(publicVariables));
  env.VSTS_SECRET_VARIABLES = JSON.stringify(Object.keys(secretVariables));

  for (const input of TASK_INPUTS) {
    let value = job.inputs?.[input.name] ?? input.defaultValue ?? '';
    if (input.type === 'filePath') value = value === '' ? dirs.work : isAbsolute(value) ? value : join(dirs.work, value);
    env[`INPUT_${envName(input.name)}`] = value;
  }
  for (const [id, connection] of Object.entries(job.connections ?? {})) {
    env[`ENDPOINT_URL_${id}`] = connection.url;
    env[`ENDPOINT_AUTH_${id}`] = JSON.stringify({ parameters: { username: connection.username, password: connection.password }, scheme: 'UsernamePassword' });
    env[`ENDPOINT_AUTH_SCHEME_${id}`] = 'UsernamePassword';
    env[`ENDPOINT_AUTH_PARAMETER_${id}_USERNAME`] = connection.username;
    env[`ENDPOINT_AUTH_PARAMETER_${id}_PASSWORD`] = connection.password;
    // The connection type marks the secret field confidential: the agent masks it.
    agentSecrets.push(connection.password);
  }
  if (job.jobAccessToken) {
    env.ENDPOINT_URL_SYSTEMVSSCONNECTION = job.collectionUri;
    env.ENDPOINT_AUTH_SYSTEMVSSCONNECTION = JSON.stringify({ parameters: { AccessToken: job.jobAccessToken }, scheme: 'OAuth' });
    env.ENDPOINT_AUTH_SCHEME_SYSTEMVSSCONNECTION = 'OAuth';
    env.ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN = job.jobAccessToken;
    agentSecrets.push(job.jobAccessToken);
  }
  return { env, agentSecrets };
}

/** Starts the bundle in a child process; the simulators keep serving from this process meanwhile. */
export async function runTask(job: AgentJob): Promise<TaskRun> {
  const work = mkdtempSync(join(tmpdir(), 'agent-work-'));
  const temp = mkdtempSync(join(tmpdir(), 'agent-temp-'));
  const { env, agentSecrets } = agentEnvironment(job, { work, temp });
  const child = spawn(process.execPath, [BUNDLE], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const commands = parseLoggingCommands(stdout);
  const complete = commands.filter((c) => c.name === 'task.complete');
  const outputs: Record<string, string> = {};
  for (const command of commands) {
    if (command.name === 'task.setvariable' && command.properties.isOutput === 'true') outputs[command.properties.variable ?? ''] = command.data;
  }
  return {
    stdout,
    stderr,
    exitCode,
    commands,
    workingDirectory: work,
    tempDirectory: temp,
    agentSecrets,
    result: complete.length === 1 ? complete[0]?.properties.result : `${complete.length} task.complete commands`,
    outputs,
    errors: commands.filter((c) => c.name === 'task.logissue' && c.properties.type === 'error'),
    warnings: commands.filter((c) => c.name === 'task.logissue' && c.properties.type === 'warning'),
    maskedLog: maskLikeTheAgent(stdout, agentSecrets),
  };
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%AZP25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s.replace(/%5D/g, ']').replace(/%3B/g, ';'));

export function parseLoggingCommands(stdout: string): LoggingCommand[] {
  const commands: LoggingCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /##vso\[([\w.]+)(?: ([^\]]*))?\](.*)$/.exec(line);
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
    }
    commands.push({ name: match[1] ?? '', properties, data: unescapeData(match[3] ?? '') });
  }
  return commands;
}

/**
 * The agent's masker: secrets it knows from the start, plus each `task.setsecret` from the line it
 * arrives on. A secret the task registers too late (after printing it) therefore still shows.
 */
export function maskLikeTheAgent(stdout: string, initial: readonly string[]): string {
  const secrets = new Set(initial.filter((s) => s.length > 0));
  const out: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const registered = /^##vso\[task\.setsecret\](.*)$/.exec(line);
    if (registered) {
      secrets.add(unescapeData(registered[1] ?? ''));
      continue;
    }
    out.push([...secrets].sort((a, b) => b.length - a.length).reduce((text, secret) => text.split(secret).join('***'), line));
  }
  return out.join('\n');
}
