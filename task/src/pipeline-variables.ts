/**
 * Ocean's variables (`OCEAN__…`, BRIEF §3) as the task sees them. A pipeline that links Port's
 * `port-ocean-credentials` variable group gets its plain variables as environment variables, but
 * the agent never puts secret variables in the environment: it hands them to the task library
 * (SECRET_<NAME>), which `getVariable` reads. Reading every known name through the agent makes a
 * linked group work with no inputs and no `env:` mapping; variables mapped with `env:` still work.
 */
import { ENVIRONMENT_VARIABLES, layerFromEnvironment, type ConfigLayer } from '../../core/config';
import type { Agent } from './agent';

/** Ocean variables read by their own rules (they must say ONCE / Single Account; the incremental switch sets the mode). */
const CHECKED_VARIABLES = ['OCEAN__EVENT_LISTENER', 'OCEAN__EVENT_LISTENER__TYPE', 'OCEAN__INTEGRATION__CONFIG__ACCOUNT_MODE', 'OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED'];

export const PIPELINE_VARIABLE_NAMES: readonly string[] = [...ENVIRONMENT_VARIABLES.map((variable) => variable.name), ...CHECKED_VARIABLES];

export function layerFromPipelineVariables(agent: Agent, environment: NodeJS.ProcessEnv, options: { cwd: string }): ConfigLayer {
  const values: Record<string, string | undefined> = { ...environment };
  for (const name of PIPELINE_VARIABLE_NAMES) {
    const value = agent.variable(name);
    if (value !== undefined) values[name] = value;
  }
  return layerFromEnvironment(values, options);
}
