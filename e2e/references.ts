/**
 * A provider resolves `*Selector` fields (matchLabels, matchControllerRef) to references before
 * it can create anything; a selector that matches nothing leaves the resource stuck with
 * "cannot resolve references". The stand-in provider does not resolve them, but it can check the
 * necessary condition on the real objects: every selector in a managed resource's forProvider /
 * initProvider matches at least one managed resource (of any kind — the target kind is
 * provider code), with the same controller when it says matchControllerRef.
 */
import type { Json } from './kube';

export interface SelectorProblem {
  readonly resource: string;
  readonly field: string;
  readonly selector: Json;
}

function* selectors(value: unknown, path: string): Generator<[string, Json]> {
  if (!value || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* selectors(item, `${path}[${i}]`);
    return;
  }
  for (const [key, child] of Object.entries(value as Json)) {
    if (key.endsWith('Selector') && child && typeof child === 'object' && !Array.isArray(child)) yield [`${path}.${key}`, child as Json];
    else yield* selectors(child, `${path}.${key}`);
  }
}

const controllerUid = (obj: Json): string | undefined => (obj.metadata.ownerReferences ?? []).find((o: Json) => o.controller)?.uid;

/** Selectors of `resources` that no object of `all` satisfies. */
export function unmatchedSelectors(resources: readonly Json[], all: readonly Json[]): SelectorProblem[] {
  const problems: SelectorProblem[] = [];
  for (const obj of resources) {
    for (const root of ['forProvider', 'initProvider']) {
      for (const [field, selector] of selectors(obj.spec?.[root], `spec.${root}`)) {
        const labels = (selector.matchLabels ?? {}) as Record<string, string>;
        const match = all.some(
          (candidate) =>
            candidate.metadata.uid !== obj.metadata.uid &&
            Object.entries(labels).every(([k, v]) => candidate.metadata.labels?.[k] === v) &&
            (!selector.matchControllerRef || controllerUid(candidate) === controllerUid(obj)),
        );
        if (!match) problems.push({ resource: `${obj.kind}/${obj.metadata.name}`, field, selector });
      }
    }
  }
  return problems;
}
