import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const TSX = path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** The file `npm run <name>` runs with tsx (package.json), so tests run exactly what users run. */
export function npmScriptEntry(name: string): string {
  const scripts = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).scripts as Record<string, string>;
  const match = /^tsx (\S+\.ts)$/.exec(scripts[name] ?? '');
  if (!match) throw new Error(`package.json scripts.${name} is "${scripts[name]}", not "tsx <file>.ts"`);
  return path.join(REPO, match[1]);
}
