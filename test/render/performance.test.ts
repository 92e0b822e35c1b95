/** The library is used to render every claim in dist/ in tests, so it must stay fast. */
import { renderComposition } from '../../scripts/render/index';
import { composition, vpc, xr } from './fixtures';

test('renders a Composition of 500 patched resources well under a second', () => {
  const patches = [
    { fromFieldPath: 'spec.region', toFieldPath: 'spec.forProvider.region', transforms: [{ type: 'map', map: { us: 'us-east-1' } }] },
    { type: 'CombineFromComposite', combine: { strategy: 'string', variables: [{ fromFieldPath: 'spec.env' }, { fromFieldPath: 'spec.region' }], string: { fmt: '%s-%s' } }, toFieldPath: 'metadata.labels[env]' },
    { fromFieldPath: 'spec.tags', toFieldPath: 'spec.forProvider.tags', policy: { toFieldPath: 'MergeObjects' } },
  ];
  const comp = composition(Array.from({ length: 500 }, (_, i) => vpc(patches, `vpc-${i}`)));
  const started = performance.now();
  const { resources } = renderComposition(xr({ region: 'us', env: 'dev', tags: { team: 'payments' } }), comp);
  expect(resources).toHaveLength(500);
  expect(performance.now() - started).toBeLessThan(500);
});
