/** `npm run docs`: regenerates the documentation generated from code (docs/kinds.md). */
import { writeFileSync } from 'node:fs';
import { renderKindsDoc } from './kinds-doc';

writeFileSync('docs/kinds.md', renderKindsDoc());
process.stdout.write('docs/kinds.md written\n');
