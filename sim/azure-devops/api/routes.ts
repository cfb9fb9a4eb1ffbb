import { advsecRoutes } from './advsec';
import { buildRoutes } from './build';
import type { Route } from './context';
import { coreRoutes } from './projects-teams';
import { gitRoutes } from './git';
import { releaseRoutes } from './release';
import { witRoutes } from './wit';
import { workRoutes } from './work';

/** Every route the simulator serves. */
export function allRoutes(): Route[] {
  return [...coreRoutes, ...gitRoutes, ...buildRoutes, ...witRoutes, ...workRoutes, ...releaseRoutes, ...advsecRoutes];
}
