/**
 * The Port service connection: the extension's `port-service-connection` endpoint type
 * (vss-extension.json) uses the basic scheme with its fields relabelled Client ID / Client Secret,
 * so the agent hands the task a `UsernamePassword` authorization and the Port API URL as the
 * endpoint URL (packaging-and-conventions.md A2).
 */
import { layerFromInputs, type ConfigLayer } from '../../core/config';
import type { Agent } from './agent';
import { inputLabel, problemLayer } from './config-layers';

const INPUT = 'portConnection';

export function layerFromPortConnection(agent: Agent, id: string | undefined): ConfigLayer {
  const source = inputLabel(INPUT);
  if (id === undefined) {
    return problemLayer([{ source, message: "choose a Port service connection, or set 'portCredentials' to variables to read OCEAN__PORT__CLIENT_ID and OCEAN__PORT__CLIENT_SECRET" }]);
  }
  const connection = agent.serviceConnection(id);
  if (connection === undefined) {
    return problemLayer([
      {
        source,
        message: `the agent passed no details for service connection '${id}'. Check that it exists, is of type Port, and that this pipeline is allowed to use it (service connection > Security > Pipeline permissions).`,
      },
    ]);
  }
  if (connection.scheme !== undefined && connection.scheme.toLowerCase() !== 'usernamepassword') {
    return problemLayer([{ source, message: `is a '${connection.scheme}' connection; use a service connection of type Port (client id and client secret)` }]);
  }
  const labels = {
    'port.clientId': `${source} (Client ID)`,
    'port.clientSecret': `${source} (Client Secret)`,
    'port.baseUrl': `${source} (Port API URL)`,
  } as const;
  return layerFromInputs(
    {
      'port.clientId': connection.parameter('username'),
      'port.clientSecret': connection.parameter('password'),
      'port.baseUrl': connection.url,
    },
    (key) => (key in labels ? labels[key as keyof typeof labels] : undefined),
  );
}
