import * as fs from 'node:fs';
import * as path from 'node:path';

const luaSource = (name: string) => fs.readFileSync(path.join(__dirname, 'health', `${name}.lua`), 'utf8');

/** Each check is the shared helpers (health/conditions.lua) followed by its own body, one Lua chunk as Argo CD runs it. */
const healthCheck = (name: string) => `${luaSource('conditions')}\n${luaSource(name)}`;

/**
 * The Lua health checks delivered to Argo CD (argocd-cm), as Argo CD executes them. Sources:
 * argocd/health/*.lua; unit tests: test/argocd/health-checks.test.ts.
 */
export const HEALTH_SCRIPTS = {
  /** Claims, composites and managed resources: Synced / LastAsyncOperation / Ready. */
  crossplaneResource: healthCheck('crossplane-resource'),
  /** Provider and Function packages: Installed / Healthy. */
  crossplanePackage: healthCheck('crossplane-package'),
  /** Child Applications of the root, so its sync waves wait for each unit. */
  argocdApplication: healthCheck('argocd-application'),
} as const;
