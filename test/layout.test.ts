/**
 * The layout the README describes: imports between top-level folders go one way (no cycles),
 * facts/ and functions/ stand alone, scripts/ holds only scripts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..');
const SOURCE_FOLDERS = [
  'facts',
  'charts',
  'compositions',
  'argocd',
  'synth',
  'functions',
  'cli',
  'conformance',
  'engines',
  'e2e',
  'bench',
  'scripts',
];
const RELATIVE_IMPORT = /(?:from\s+|import\(\s*|require\(\s*)'(\.{1,2}\/[^']+)'/g;

function filesUnder(dir: string, extensions: readonly string[] = ['.ts']): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full, extensions);
    return extensions.some((extension) => entry.name.endsWith(extension)) ? [full] : [];
  });
}

const topFolderOf = (file: string) => path.relative(REPO, file).split(path.sep)[0];

/** folder → the folders its files import, each with one importing file as evidence. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const folder of SOURCE_FOLDERS) {
    const edges = new Map<string, string>();
    for (const file of filesUnder(path.join(REPO, folder))) {
      for (const [, specifier] of fs.readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
        const target = topFolderOf(path.resolve(path.dirname(file), specifier));
        if (target !== folder && !edges.has(target)) edges.set(target, path.relative(REPO, file));
      }
    }
    graph.set(folder, edges);
  }
  return graph;
}

const graph = folderGraph();

/** Every cycle through `start`, as folder paths (depth-first over the folder graph). */
function cyclesThrough(start: string): string[][] {
  const found: string[][] = [];
  const walk = (folder: string, trail: string[]) => {
    for (const next of graph.get(folder)?.keys() ?? []) {
      if (next === start) found.push([...trail, next]);
      else if (!trail.includes(next) && SOURCE_FOLDERS.includes(next)) walk(next, [...trail, next]);
    }
  };
  walk(start, [start]);
  return found;
}

test.each(SOURCE_FOLDERS)('%s/ is on no import cycle between top-level folders', (folder) => {
  const cycles = cyclesThrough(folder).map((cycle) =>
    cycle
      .slice(1)
      .map((to, i) => `${cycle[i]} → ${to} (${graph.get(cycle[i])!.get(to)})`)
      .join(', '),
  );
  expect(cycles).toEqual([]);
});

test.each([
  ['facts', ['imports']],
  ['functions', []],
  ['compositions', ['facts', 'functions', 'imports']],
])('%s/ imports only from %j', (folder, allowed) => {
  const outside = [...graph.get(folder)!.entries()]
    .filter(([target]) => !allowed.includes(target))
    .map(([target, file]) => `${file} → ${target}/`);
  expect(outside).toEqual([]);
});

test('scripts/ holds only scripts: the CRD import, the dist check and the engine build', () => {
  expect(fs.readdirSync(path.join(REPO, 'scripts')).sort()).toEqual(['build-tools.sh', 'check-dist.ts', 'import.ts']);
});

test('no source line (TypeScript or shell) is over 140 characters (biome wraps code; strings and comments are wrapped by hand)', () => {
  const long = SOURCE_FOLDERS.concat('test')
    .flatMap((folder) => filesUnder(path.join(REPO, folder), ['.ts', '.sh']))
    .flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) => (line.length > 140 ? [`${path.relative(REPO, file)}:${index + 1} (${line.length})`] : [])),
    );
  expect(long).toEqual([]);
});
