import { celEnv, isCelError, parse, plan, type CelInput, type CelResult } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { ValidationRule } from './schema';

/**
 * CEL environment for `x-kubernetes-validations`. The vendored CRDs use `has`, `in`, `size`,
 * `matches` and `duration` (CEL standard library) and `lowerAscii` (the strings extension that
 * Kubernetes also enables); no other Kubernetes library function occurs in them.
 */
const ENV = celEnv({ funcs: strings });

/** Operators the evaluator implements itself (short-circuit logic), not found among the functions. */
const EVALUATOR_OPERATORS = new Set(['_&&_', '_||_', '_?_:_', '@not_strictly_false']);

type Evaluate = (self: CelInput) => CelResult;

type CompiledRule =
  | { kind: 'transition' }
  | { kind: 'invalid'; error: string }
  | { kind: 'ready'; evaluate: Evaluate };

interface AstWalk {
  functions: Set<string>;
  identifiers: Set<string>;
}

/** Collects called function names and referenced identifiers from a parsed expression. */
function collectNames(node: unknown, found: AstWalk): AstWalk {
  if (Array.isArray(node)) {
    node.forEach((child) => collectNames(child, found));
  } else if (node && typeof node === 'object') {
    const kind = (node as { exprKind?: { case?: string; value?: { function?: string; name?: string } } }).exprKind;
    if (kind?.case === 'callExpr' && kind.value?.function) found.functions.add(kind.value.function);
    if (kind?.case === 'identExpr' && kind.value?.name) found.identifiers.add(kind.value.name);
    for (const child of Object.values(node)) {
      if (child && typeof child === 'object') collectNames(child, found);
    }
  }
  return found;
}

function compile(source: string): CompiledRule {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (error) {
    return { kind: 'invalid', error: (error as Error).message };
  }
  const names = collectNames(parsed.expr, { functions: new Set(), identifiers: new Set() });
  if (names.identifiers.has('oldSelf')) return { kind: 'transition' };
  const unknown = [...names.functions].filter((name) => !EVALUATOR_OPERATORS.has(name) && !ENV.funcs.find(name));
  if (unknown.length) return { kind: 'invalid', error: `undeclared function ${unknown.join(', ')}` };
  const run = plan(ENV, parsed);
  return { kind: 'ready', evaluate: (self) => run({ self }) };
}

export type RuleOutcome =
  | { outcome: 'passed' }
  | { outcome: 'skipped' }
  | { outcome: 'failed'; message: string };

/** Compiles each distinct rule (and message expression) once and evaluates it against `self`. */
export class CelRules {
  private readonly compiled = new Map<string, CompiledRule>();

  private compiledRule(source: string): CompiledRule {
    let rule = this.compiled.get(source);
    if (!rule) {
      rule = compile(source);
      this.compiled.set(source, rule);
    }
    return rule;
  }

  /** `self` is produced lazily: a transition rule or a broken rule never needs it. */
  check(rule: ValidationRule, self: () => CelInput): RuleOutcome {
    const compiled = this.compiledRule(rule.rule);
    if (compiled.kind === 'transition') return { outcome: 'skipped' };
    if (compiled.kind === 'invalid') {
      return { outcome: 'failed', message: `rule does not compile: ${compiled.error} (rule: ${rule.rule})` };
    }
    const result = compiled.evaluate(self());
    if (isCelError(result)) {
      return { outcome: 'failed', message: `rule evaluation error: ${result.message} (rule: ${rule.rule})` };
    }
    if (result === true) return { outcome: 'passed' };
    return { outcome: 'failed', message: this.failureMessage(rule, self) };
  }

  /** `messageExpression` if it yields a non-empty string, else `message`, else the rule text. */
  private failureMessage(rule: ValidationRule, self: () => CelInput): string {
    if (rule.messageExpression) {
      const compiled = this.compiledRule(rule.messageExpression);
      if (compiled.kind === 'ready') {
        const message = compiled.evaluate(self());
        if (typeof message === 'string' && message.trim()) return message;
      }
    }
    return rule.message ?? `failed rule: ${rule.rule}`;
  }
}
