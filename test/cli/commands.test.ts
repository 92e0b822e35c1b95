import { spawnSync } from 'node:child_process';
import { meetsTarget } from '../../bench/types';
import { formatTable } from '../../bench/index';
import { REPO, TSX, npmScriptEntry } from '../support/npm-scripts';

const run = (script: string, args: string[]) =>
  spawnSync(process.execPath, [TSX, npmScriptEntry(script), ...args], { cwd: REPO, encoding: 'utf8' });

describe.each(['conformance', 'dr-report', 'bench'])('npm run %s', (command) => {
  test('--help prints the usage (as npm run <cmd> -- ...) and exits 0', () => {
    const result = run(command, ['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`usage: npm run ${command} -- [options]`);
    expect(result.stdout).toContain('--help');
  });

  test('an unknown flag is refused with the usage and exit 64', () => {
    const result = run(command, ['--frobnicate']);
    expect(result.status).toBe(64);
    expect(result.stderr).toContain("Unknown option '--frobnicate'");
    expect(result.stderr).toContain(`usage: npm run ${command} --`);
  });
});

test('bench refuses a module that does not exist, naming the ones that do', () => {
  const result = run('bench', ['synht']);
  expect(result.status).toBe(64);
  expect(result.stderr).toContain('unknown module "synht" (modules: functions, synth, validate)');
});

test.each([
  [1.31, '<= 1.5', true],
  [1.5, '<= 1.5', true],
  [1.51, '<= 1.5', false],
  [0.6, '< 0.6', false],
  [294, '>= 200', true],
  [150, '>= 200', false],
  [3, undefined, undefined],
])('a value of %d against target %s is met: %s', (value, target, met) => {
  expect(meetsTarget({ measure: 'm', value, unit: 's', target })).toBe(met);
});

test('the bench table marks each figure ✓ or ✗ against its target', () => {
  const table = formatTable([
    { measure: 'fast', value: 1, unit: 's', target: '<= 2' },
    { measure: 'slow', value: 3, unit: 's', target: '<= 2' },
  ]);
  expect(table.split('\n')[2]).toMatch(/\| fast .*\| <= 2 +\| ✓ +\|$/);
  expect(table.split('\n')[3]).toMatch(/\| slow .*\| <= 2 +\| ✗ +\|$/);
});
