/**
 * The rules of the official task manifest schema (`tasks.schema.json` in
 * microsoft/azure-pipelines-task-lib, draft-04), written as zod so packaging can check task.json
 * offline. tfx only *warns* about an invalid task.json and still writes the .vsix
 * (packaging-and-conventions.md B1, pitfall 1), so `npm run package` fails on these instead.
 *
 * Encoded from the official schema:
 * - no unknown keys at the top level, in groups, inputs, outputVariables, restrictions, data source
 *   bindings, source definitions or the execution sections (`additionalProperties: false`);
 * - `id` a GUID, `name` `^[A-Za-z0-9-]+$`, input and output variable names `^[A-Za-z][A-Za-z0-9]*$`,
 *   `minimumAgentVersion` `^\d+\.\d+(\.\d+)?$`, `removalDate` `YYYY-MM-DD`;
 * - the closed vocabularies: category, runsOn, visibility, input types (or `connectedService:<type>`),
 *   the handler names of the execution sections, `restrictions.commands.mode`;
 * - the types of every documented field (booleans, numbers for the version, strings elsewhere).
 * The stored copies of the schema predate the Node20_1 and Node24 handlers; the current schema
 * lists them (packaging-and-conventions.md A1), and so does this one. A plain `Node20` is not a
 * handler: the agent silently ignores it, so here it is an error.
 *
 * `tfxTaskChecks` adds what tfx itself checks (friendlyName ≤ 40, instanceNameFormat present,
 * handler targets that exist), so none of tfx's warnings can appear.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const GUID = /^[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9]*$/;
const TRUE_FALSE = z.enum(['True', 'False']);

export const INPUT_TYPES = ['boolean', 'filePath', 'multiLine', 'pickList', 'radio', 'secureFile', 'string', 'int', 'identities', 'querycontrol'] as const;

/** Handlers an agent knows. Node20_1 and Node24 are the current ones; the others are end of life. */
export const EXECUTION_HANDLERS = ['Node24', 'Node20_1', 'Node16', 'Node10', 'Node', 'PowerShell3', 'PowerShell'] as const;
/** tfx-cli's list of end-of-life runners. */
const END_OF_LIFE_HANDLERS: readonly string[] = ['Node', 'Node6', 'Node10', 'Node16'];

const executionObject = z.looseObject({
  target: z.string(),
  platforms: z.array(z.literal('windows')).optional(),
  argumentFormat: z.string().optional(),
  workingDirectory: z.string().optional(),
});

const httpRequestChain = z.looseObject({
  Execute: z.array(
    z.looseObject({
      RequestInputs: z.looseObject({ EndpointId: z.string(), EndpointUrl: z.string(), Method: z.string(), Headers: z.string().optional() }),
      ExecutionOptions: z.looseObject({ OutputVariables: z.record(z.string(), z.unknown()).optional() }).optional(),
    }),
  ),
});

const handlers = (names: readonly string[]) => z.strictObject(Object.fromEntries(names.map((name) => [name, executionObject.optional()])));

const inputType = z.string().refine((type) => (INPUT_TYPES as readonly string[]).includes(type) || /^connectedService:.+$/.test(type), {
  error: `must be one of ${INPUT_TYPES.join(', ')}, or connectedService:<endpoint type>`,
});

const input = z.strictObject({
  name: z.string().regex(VARIABLE_NAME, { error: 'must start with a letter and contain only letters and digits' }),
  aliases: z.array(z.string()).optional(),
  label: z.string(),
  type: inputType,
  defaultValue: z.union([z.string(), z.boolean()]).optional(),
  required: z.boolean().optional(),
  helpMarkDown: z.string().optional(),
  groupName: z.string().optional(),
  visibleRule: z.string().optional(),
  properties: z
    .looseObject({
      EditableOptions: TRUE_FALSE.optional(),
      MultiSelect: TRUE_FALSE.optional(),
      MultiSelectFlatList: TRUE_FALSE.optional(),
      DisableManageLink: TRUE_FALSE.optional(),
      IsSearchable: TRUE_FALSE.optional(),
      PopulateDefaultValue: TRUE_FALSE.optional(),
      isVariableOrNonNegativeNumber: z.enum(['true', 'false']).optional(),
      resizable: z.boolean().optional(),
      rows: z.string().regex(/^\d+$/).optional(),
      maxLength: z.string().regex(/^\d+$/).optional(),
      editorExtension: z.string().optional(),
      EndpointFilterRule: z.string().optional(),
    })
    .optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});

export const taskManifestSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().regex(GUID, { error: 'must be a GUID' }).optional(),
  name: z.string().regex(/^[A-Za-z0-9-]+$/, { error: 'may contain only letters, digits and -' }).optional(),
  friendlyName: z.string().optional(),
  description: z.string().optional(),
  helpUrl: z.string().optional(),
  helpMarkDown: z.string().optional(),
  author: z.string().optional(),
  preview: z.boolean().optional(),
  deprecated: z.boolean().optional(),
  removalDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  deprecationMessage: z.string().optional(),
  showEnvironmentVariables: z.boolean().optional(),
  runsOn: z.array(z.enum(['Agent', 'MachineGroup', 'Server', 'ServerGate', 'DeploymentGroup'])).optional(),
  visibility: z.array(z.enum(['Build', 'Release'])).optional(),
  category: z.enum(['Build', 'Utility', 'Test', 'Package', 'Deploy', 'Azure Repos', 'Azure Boards', 'Azure Pipelines', 'Azure Test Plans', 'Azure Artifacts']).optional(),
  groups: z.array(z.strictObject({ name: z.string(), displayName: z.string(), isExpanded: z.boolean().optional(), visibleRule: z.string().optional() })).optional(),
  demands: z.array(z.string()).optional(),
  minimumAgentVersion: z.string().regex(/^\d+\.\d+(\.\d+)?$/).optional(),
  version: z.strictObject({ Major: z.number(), Minor: z.number(), Patch: z.number() }).optional(),
  instanceNameFormat: z.string().optional(),
  releaseNotes: z.string().optional(),
  inputs: z.array(input).optional(),
  dataSourceBindings: z
    .array(
      z.strictObject({
        target: z.string().optional(),
        endpointId: z.string().optional(),
        dataSourceName: z.string().optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
        resultTemplate: z.string().optional(),
        endpointUrl: z.string().optional(),
        resultSelector: z.string().optional(),
        RequestVerb: z.enum(['GET', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PUT', 'TRACE', 'PATCH']).optional(),
        requestContent: z.string().optional(),
        callbackContextTemplate: z.string().optional(),
        callbackRequiredTemplate: z.string().optional(),
        initialContextTemplate: z.string().optional(),
      }),
    )
    .optional(),
  sourceDefinitions: z
    .array(
      z.strictObject({
        target: z.string().optional(),
        endpoint: z.string().optional(),
        selector: z.string().optional(),
        keySelector: z.string().optional(),
        authKey: z.string().optional(),
      }),
    )
    .optional(),
  prejobexecution: handlers(EXECUTION_HANDLERS).optional(),
  execution: handlers(EXECUTION_HANDLERS)
    .extend({ HttpRequest: executionObject.optional(), HttpRequestChain: httpRequestChain.optional() })
    .optional(),
  postjobexecution: handlers(EXECUTION_HANDLERS).optional(),
  messages: z.record(z.string(), z.unknown()).optional(),
  outputVariables: z
    .array(z.strictObject({ name: z.string().regex(VARIABLE_NAME, { error: 'must start with a letter and contain only letters and digits' }), description: z.string().optional() }))
    .optional(),
  restrictions: z
    .strictObject({
      commands: z.strictObject({ mode: z.enum(['any', 'restricted']).optional() }).optional(),
      settableVariables: z.strictObject({ allowed: z.array(z.string()).optional() }).optional(),
    })
    .optional(),
});

export type TaskManifest = z.output<typeof taskManifestSchema>;

/** Problems with a task.json: schema violations, then what tfx would warn about. Empty when valid. */
export function checkTaskManifest(json: unknown, taskJsonPath: string): string[] {
  const parsed = taskManifestSchema.safeParse(json);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
      if (issue.code === 'unrecognized_keys') return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
      return `${where}: ${issue.message}`;
    });
  }
  return tfxTaskChecks(parsed.data, taskJsonPath);
}

/** tfx-cli's own task checks (lib/jsonvalidate.js), which it reports only as warnings. */
export function tfxTaskChecks(task: TaskManifest, taskJsonPath: string): string[] {
  const problems: string[] = [];
  if (!task.id) problems.push('id: is required (a GUID)');
  if (!task.name) problems.push('name: is required');
  if (!task.friendlyName || task.friendlyName.length > 40) problems.push('friendlyName: is required and must be at most 40 characters');
  if (!task.instanceNameFormat) problems.push('instanceNameFormat: is required');
  const sections = { execution: task.execution, prejobexecution: task.prejobexecution, postjobexecution: task.postjobexecution };
  for (const [section, entries] of Object.entries(sections)) {
    if (entries === undefined) continue;
    for (const [handler, definition] of Object.entries(entries)) {
      if (!(EXECUTION_HANDLERS as readonly string[]).includes(handler) || definition === undefined) continue;
      const target = (definition as { target: string }).target.replace(/\$\(\s*currentdirectory\s*\)/i, '.');
      if (!/\$\([^)]+\)/.test(target) && !existsSync(join(dirname(taskJsonPath), target))) {
        problems.push(`${section}.${handler}.target: ${target} does not exist next to task.json (build the bundle first)`);
      }
    }
    // tfx warns when a section has only end-of-life Node handlers.
    if (Object.keys(entries).every((handler) => END_OF_LIFE_HANDLERS.includes(handler))) {
      problems.push(`${section}: every handler is end of life (${Object.keys(entries).join(', ') || 'none'}); use Node20_1 and Node24`);
    }
  }
  return problems;
}
