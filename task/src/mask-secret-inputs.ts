/**
 * Side effect only, and main.ts's first import: registers the secret inputs with the agent before
 * azure-pipelines-task-lib is loaded, which both hides the raw INPUT_ variables and, in getInput,
 * writes each input's value as a debug line (secret-inputs.ts).
 */
import { EOL } from 'node:os';
import { maskSecretInputs } from './secret-inputs';

maskSecretInputs(process.env, (line) => process.stdout.write(line + EOL));
