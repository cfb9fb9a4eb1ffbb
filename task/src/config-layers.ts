/**
 * Small builders for configuration layers the task needs beyond `layerFromInputs`: a layer that
 * only carries problems (an input combination that cannot work), reported with every other
 * configuration problem before anything runs.
 */
import type { ConfigLayer } from '../../core/config';

export const inputLabel = (name: string) => `input '${name}'`;

export function problemLayer(problems: readonly { source: string; message: string }[]): ConfigLayer {
  return {
    kind: 'inputs',
    entries: [],
    problems: problems.map((problem, order) => ({ ...problem, order })),
    incomplete: false,
    warnings: [],
    secretTexts: [],
    howToSet: () => undefined,
  };
}
