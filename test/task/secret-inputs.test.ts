import { describe, expect, it } from 'vitest';
import { inputVariableName, maskSecretInputs } from '../../task/src/secret-inputs';

/** The `task.setsecret` lines the entry point writes for an agent environment. */
function registered(env: Record<string, string>): string[] {
  const lines: string[] = [];
  maskSecretInputs(env, (line) => lines.push(line));
  return lines;
}

describe('the secret inputs, masked before the task library loads', () => {
  it("reads the agent's INPUT_ variables by task-lib's naming", () => {
    expect(inputVariableName('webhookSecret')).toBe('INPUT_WEBHOOKSECRET');
    expect(inputVariableName('some.input name')).toBe('INPUT_SOME_INPUT_NAME');
  });

  it('registers the secret inputs and the credential-looking header values, nothing else', () => {
    const lines = registered({
      INPUT_PORTCLIENTSECRET: 'port-secret-1',
      INPUT_PERSONALACCESSTOKEN: ' pat-with-spaces ',
      INPUT_WEBHOOKSECRET: 'hook%secret',
      INPUT_WEBHOOKHEADERS: 'X-Api-Key: header-key-1\nX-Plain: visible\nAuthorization: Bearer-token-1',
      INPUT_PORTCLIENTID: 'not-a-secret',
      INPUT_MAPPINGYAML: 'resources: []',
    });
    expect(lines.sort()).toEqual(
      [
        '##vso[task.setsecret]port-secret-1',
        '##vso[task.setsecret] pat-with-spaces ',
        '##vso[task.setsecret]pat-with-spaces',
        // Escaped as task-lib escapes command data.
        '##vso[task.setsecret]hook%AZP25secret',
        '##vso[task.setsecret]header-key-1',
        '##vso[task.setsecret]Bearer-token-1',
      ].sort(),
    );
  });

  it('reads headers given as JSON, and the good lines of a text the engine refuses', () => {
    expect(registered({ INPUT_WEBHOOKHEADERS: '{"X-Token":"json-token-1","X-Plain":"visible"}' })).toEqual(['##vso[task.setsecret]json-token-1']);
    expect(registered({ INPUT_WEBHOOKHEADERS: 'not a header line\nX-Secret: line-secret-1' })).toEqual(['##vso[task.setsecret]line-secret-1']);
  });

  it('does not register an unexpanded $(NAME): no secret, and the problem that reports it names the variable', () => {
    expect(registered({ INPUT_WEBHOOKSECRET: '$(WEBHOOK_SECRET)', INPUT_WEBHOOKHEADERS: 'X-Api-Key: $(HOOK_KEY)' })).toEqual([]);
  });

  it('registers a multi-line value line by line (the agent refuses multi-line secrets)', () => {
    expect(registered({ INPUT_PORTCLIENTSECRET: 'first-line\r\nsecond-line' })).toEqual(['##vso[task.setsecret]first-line', '##vso[task.setsecret]second-line']);
  });
});
