/** `npm run docs`: regenerates the documentation generated from code (docs/kinds.md, the kinds tables of docs/incremental.md). */
import { readFileSync, writeFileSync } from 'node:fs';
import { withIncrementalKinds } from './incremental-doc';
import { renderKindsDoc } from './kinds-doc';

writeFileSync('docs/kinds.md', renderKindsDoc());
writeFileSync('docs/incremental.md', withIncrementalKinds(readFileSync('docs/incremental.md', 'utf8')));
process.stdout.write('docs/kinds.md and docs/incremental.md written\n');
