import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Replaces directory `dir` with exactly `files` (relative path → content). Everything is written to
 * a sibling temporary directory first and swapped in with renames, so a failure at any point before
 * the swap leaves `dir` exactly as it was, and readers never see a half-written tree.
 */
export function replaceDirectory(dir: string, files: ReadonlyMap<string, string>): void {
  const target = path.resolve(dir);
  const staging = `${target}.staging-${process.pid}`;
  const previous = `${target}.previous-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    for (const [relative, content] of files) {
      const file = path.join(staging, relative);
      if (!file.startsWith(staging + path.sep)) throw new Error(`refusing to write outside ${dir}: ${relative}`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    fs.mkdirSync(staging, { recursive: true });
    const hadPrevious = fs.existsSync(target);
    if (hadPrevious) fs.renameSync(target, previous);
    fs.renameSync(staging, target);
    if (hadPrevious) fs.rmSync(previous, { recursive: true, force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
