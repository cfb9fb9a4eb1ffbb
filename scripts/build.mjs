// Bundles every entry point into one CommonJS file each (target node20), so the same file runs
// under the Node20_1 and Node24 task handlers and the node24 Actions runtime.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** name → [entry, outfile, banner?] */
const entries = {
  cli: ['cli/bin.ts', 'dist/cli.js', '#!/usr/bin/env node'],
  sim: ['sim/main.ts', 'dist/sim.js', '#!/usr/bin/env node'],
  demo: ['scripts/demo.ts', 'dist/demo.js'],
  docs: ['scripts/docs.ts', 'dist/docs.js'],
  bench: ['bench/main.ts', 'dist/bench.js'],
  'bench-engine': ['bench/engine-process.ts', 'dist/bench-engine.js'],
  receiver: ['cli/receiver.ts', 'dist/receiver.js'],
  task: ['task/src/main.ts', 'task/PortSyncV0/index.js'],
  action: ['action/src/main.ts', 'action/dist/index.js'],
};

const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1]?.split(',') : undefined;

let failed = false;
for (const [name, [entry, outfile, banner]] of Object.entries(entries)) {
  if (only && !only.includes(name)) continue;
  if (!existsSync(entry)) continue;
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: false,
    legalComments: 'eof',
    // Not keepNames: it wraps every named closure in a defineProperty call at creation, which
    // cost the engine 3 of its ~55 CPU-seconds on the large benchmark (docs/performance.md).
    // Nothing reads a function's or class's `name`; without minifying, names survive anyway but
    // for the rare collision rename (`Foo2`) in a stack trace.
    keepNames: false,
    metafile: true,
    logLevel: 'warning',
    define: { __PACKAGE_VERSION__: JSON.stringify(pkg.version) },
    banner: banner ? { js: banner } : undefined,
  });
  // Two copies of one package split module-level state (task-lib keeps its secret vault in one).
  const roots = new Map();
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = /^(.*node_modules\/)((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (!match) continue;
    const [, root, name] = match;
    const seen = roots.get(name) ?? new Set();
    seen.add(root);
    roots.set(name, seen);
  }
  for (const [dep, seen] of roots) {
    if (seen.size > 1 && dep === 'azure-pipelines-task-lib') {
      console.error(`${outfile}: ${dep} is bundled from ${seen.size} copies: ${[...seen].join(', ')}`);
      failed = true;
    }
  }
}
if (failed) process.exit(1);
