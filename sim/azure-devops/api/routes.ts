import { advsecRoutes } from './advsec';
import { buildRoutes } from './build';
import { environmentRoutes } from './environments';
import { gitContentRoutes } from './git-content';
import { graphRoutes } from './graph';
import { hookRoutes } from './hooks';
import { testRoutes } from './test-runs';
import { wikiRoutes } from './wiki';
import type { Route } from './context';
import { coreRoutes } from './projects-teams';
import { gitRoutes } from './git';
import { releaseRoutes } from './release';
import { witRoutes } from './wit';
import { workRoutes } from './work';

/** Every route the simulator serves. */
export function allRoutes(): Route[] {
  return [...coreRoutes, ...gitRoutes, ...buildRoutes, ...witRoutes, ...workRoutes, ...releaseRoutes, ...advsecRoutes, ...graphRoutes, ...environmentRoutes, ...testRoutes, ...gitContentRoutes, ...wikiRoutes, ...hookRoutes];
}
