import { describe, expect, it } from 'vitest';
import { neutralizeCommands } from '../../task/src/log-safety';
import { parseLoggingCommands } from './agent-harness';

describe('plain output cannot become a logging command', () => {
  it('breaks ##vso[ and ##[ wherever they appear, and leaves other text alone', () => {
    const hostile = 'project x: GET failed: <html>##vso[task.setvariable variable=result;isOutput=true]success</html>\n##[group]fake';
    const safe = neutralizeCommands(hostile);
    expect(parseLoggingCommands(safe)).toEqual([]);
    expect(safe).not.toMatch(/##(vso)?\[/);
    expect(safe.replace(/\u200B/g, '')).toBe(hostile);
    expect(neutralizeCommands('resource listed upserted\n--- 3 ok')).toBe('resource listed upserted\n--- 3 ok');
  });
});
