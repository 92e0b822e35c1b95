/**
 * Every manifest of the broken corpus (test/support/broken-corpus.ts) is refused — by the real
 * engines, or, for the few breaks no engine can see, by the project's own rules. The cases run in
 * three batches on one engine session: documents alone, XRDs one by one (a broken XRD breaks its
 * CRD for everything else), and claims rendered through their broken Compositions.
 */
import { checkWithEngines, type CheckResult, type ManifestDocument } from '../../../engines/check';
import { EngineSession } from '../../../engines/session';
import { brokenCorpus, type BrokenCase } from '../../support/broken-corpus';

type Json = Record<string, any>;

/** Breaks only the project's own rules catch (docs/engines-parity.md says why no engine can). */
const RULES_ONLY = [
  'composition/combine-variable-misspelled',
  'composition/from-misspelled',
  'composition/required-optional-slot',
  'composition/required-status-never-set',
  'region-claim/no-namespace',
];

const session = new EngineSession();
afterAll(() => session.stop());

const corpus = brokenCorpus();
const verdicts = new Map<string, { engines: string[]; rules: string[] }>();

function record(id: string, problems: CheckResult['problems']) {
  const entry = verdicts.get(id) ?? { engines: [], rules: [] };
  for (const p of problems) (p.engine === 'project rules' ? entry.rules : entry.engines).push(`${p.kind}/${p.name} ${p.path} ${p.message}`);
  verdicts.set(id, entry);
}

/** The cases' broken documents (the last of each case) beside one copy of the context they share. */
async function documentBatch(cases: BrokenCase[]) {
  const context = new Map<string, ManifestDocument>();
  for (const c of cases) for (const d of c.documents.slice(0, -1)) context.set(`${d.doc.kind}/${d.doc.metadata.name}`, d);
  const broken = cases.map((c) => ({ file: `corpus/${c.id}.yaml`, doc: c.documents.at(-1)!.doc }));
  const result = await checkWithEngines([...context.values(), ...broken], { session, skipRender: true });
  for (const c of cases)
    record(
      c.id,
      result.problems.filter((p) => p.file === `corpus/${c.id}.yaml`),
    );
  const contextProblems = result.problems.filter((p) => !p.file.startsWith('corpus/'));
  expect(contextProblems).toEqual([]);
}

/** Each case's Composition renamed and selected by its own claim, so one check renders them all. */
async function renderBatch(cases: BrokenCase[]) {
  const docs: ManifestDocument[] = [];
  cases.forEach((c, index) => {
    const [xrd, composition, claim] = c.documents.map((d) => structuredClone(d.doc) as Json);
    if (index === 0) docs.push({ file: 'corpus/xrd.yaml', doc: xrd });
    composition.metadata.name = `${composition.metadata.name}-${index}`;
    claim.metadata.name = `${claim.metadata.name}-${index}`;
    claim.spec.compositionRef = { name: composition.metadata.name };
    docs.push({ file: `corpus/${c.id}/composition.yaml`, doc: composition }, { file: `corpus/${c.id}/claim.yaml`, doc: claim });
  });
  const result = await checkWithEngines(docs, { session });
  for (const c of cases)
    record(
      c.id,
      result.problems.filter((p) => p.file.startsWith(`corpus/${c.id}/`)),
    );
  expect(result.problems.filter((p) => p.file === 'corpus/xrd.yaml')).toEqual([]);
}

beforeAll(
  async () => {
    const xrdCases = corpus.filter((c) => c.id.startsWith('xrd/'));
    await documentBatch(corpus.filter((c) => !c.render && !xrdCases.includes(c)));
    for (const c of xrdCases) record(c.id, (await checkWithEngines(c.documents, { session, skipRender: true })).problems);
    await renderBatch(corpus.filter((c) => c.render));
  },
  15 * 60 * 1000,
);

test('the corpus has its 100 cases over every category, with unique ids', () => {
  expect(corpus).toHaveLength(100);
  expect(new Set(corpus.map((c) => c.id)).size).toBe(corpus.length);
  expect(new Set(corpus.map((c) => c.category))).toEqual(
    new Set(['type', 'unknown field', 'enum', 'pattern', 'bounds', 'CEL', 'required', 'metadata', 'patch path', 'P&T input', 'XRD']),
  );
});

test.each(corpus.map((c) => [c.id, c.description]))('%s (%s) is refused', (id) => {
  const { engines, rules } = verdicts.get(id)!;
  expect([...engines, ...rules]).not.toEqual([]);
});

test("the engines refuse every case but the ones only the project's rules can see", () => {
  const rulesOnly = corpus
    .filter((c) => !verdicts.get(c.id)!.engines.length)
    .map((c) => c.id)
    .sort();
  expect(rulesOnly).toEqual(RULES_ONLY);
});
