import { directiveRows, thirdPartyDirectivePatterns, type ContextName, type DirectiveExtra } from './directive-table.js';
import { atLeast, type Target } from './target.js';

/** One way a directive may be written: where, with how many arguments, in which versions. */
export interface DirectiveVariant {
  name: string;
  /** Each allowed context, with the version from which it is allowed (undefined: always). */
  contexts: ReadonlyMap<ContextName, string | undefined>;
  minArgs: number;
  maxArgs: number;
  flag: boolean;
  block: boolean;
  /** The lowercased words that each argument must be, from `extra.values`. */
  values: ReadonlySet<string> | undefined;
  extra: DirectiveExtra;
}

function parseArgs(spec: string): Pick<DirectiveVariant, 'minArgs' | 'maxArgs' | 'flag' | 'block'> {
  const block = spec.startsWith('{} ');
  const count = block ? spec.slice(3) : spec;
  if (count === 'flag') return { minArgs: 1, maxArgs: 1, flag: true, block };
  if (count === '*') return { minArgs: 0, maxArgs: Infinity, flag: false, block };
  if (count.endsWith('+')) return { minArgs: Number(count.slice(0, -1)), maxArgs: Infinity, flag: false, block };
  const [low, high] = count.split('-');
  return { minArgs: Number(low), maxArgs: Number(high ?? low), flag: false, block };
}

function parseContexts(spec: string): Map<ContextName, string | undefined> {
  const contexts = new Map<ContextName, string | undefined>();
  for (const word of spec.split(' ')) {
    const [name, since] = word.split('@');
    contexts.set(name as ContextName, since);
  }
  return contexts;
}

const variantsByName = new Map<string, DirectiveVariant[]>();
for (const [name, contexts, args, extra] of directiveRows) {
  const values = extra?.values === undefined ? undefined : new Set(extra.values.toLowerCase().split(' '));
  const variant: DirectiveVariant = { name, contexts: parseContexts(contexts), ...parseArgs(args), values, extra: extra ?? {} };
  const list = variantsByName.get(name);
  if (list) list.push(variant);
  else variantsByName.set(name, [variant]);
}

/** Returns every variant of a directive in the table, whatever the target. */
export function directiveVariants(name: string): readonly DirectiveVariant[] {
  return variantsByName.get(name) ?? [];
}

export function isThirdPartyDirective(name: string): boolean {
  return thirdPartyDirectivePatterns.some((pattern) => pattern.test(name));
}

/** Explains why a variant does not exist for a target; returns undefined when it does. */
export function unavailableReason(variant: DirectiveVariant, target: Target): string | undefined {
  const { extra } = variant;
  if (extra.edition === 'plus' && target.edition === 'oss') {
    if (extra.ossSince === undefined) return 'it is available only in NGINX Plus';
    if (!atLeast(target, extra.ossSince)) return `open-source nginx has it from ${extra.ossSince} on, and the target is ${target.version}`;
  }
  if (extra.since !== undefined && !atLeast(target, extra.since)) return `it appeared in nginx ${extra.since}, and the target is ${target.version}`;
  if (extra.removed !== undefined && atLeast(target, extra.removed)) return `it was removed in nginx ${extra.removed}`;
  return undefined;
}

export type DirectiveCheck =
  | { kind: 'ok'; variant: DirectiveVariant | undefined }
  | { kind: 'unknown'; reason: string | undefined }
  | { kind: 'not-allowed-here' }
  | {
      kind: 'invalid-arguments';
      message: string;
      hint: string;
      /**
       * True when a directive that takes no block has one. Usually a `;` is
       * missing, and the directive swallowed the words up to the next `{`.
       */
      unexpectedBlock?: boolean;
    };

/**
 * Checks one directive the way `nginx -t` does before any module looks at
 * the values: is it known for the target, is it allowed in this context, and
 * does it have the right number of arguments and the right terminator.
 * Third-party directives are accepted unchecked (`variant` undefined).
 */
export function checkDirective(
  name: string,
  context: ContextName,
  args: readonly string[],
  hasBlock: boolean,
  target: Target,
): DirectiveCheck {
  // The result depends on the values only for flags, so it is computed once per shape and target.
  const check = cachedShapeCheck(name, context, args.length, hasBlock, target);
  if (check.kind !== 'ok' || check.variant === undefined) return check;

  const { flag, values } = check.variant;
  if (flag) {
    const value = (args[0] ?? '').toLowerCase();
    if (value === 'on' || value === 'off') return check;
    return {
      kind: 'invalid-arguments',
      message: `invalid value "${args[0] ?? ''}" in "${name}" directive, it must be "on" or "off"`,
      hint: `Write "${name} on;" or "${name} off;".`,
    };
  }
  if (values === undefined) return check;

  // ngx_conf_set_enum_slot() and ngx_conf_set_bitmask_slot() stop at the first word they do not know.
  for (const arg of args) {
    if (values.has(arg.toLowerCase())) continue;
    return {
      kind: 'invalid-arguments',
      message: `invalid value "${arg}"`,
      hint: `"${name}" accepts only these words: ${check.variant.extra.values ?? ''}.`,
    };
  }
  return check;
}

/** Argument counts above this are checked without the cache. */
const maxCachedArgCount = 15;

/** Checks by target, then directive name, then context; each list is indexed by argument count and block. */
const checkCaches = new Map<string, Map<string, Map<ContextName, (DirectiveCheck | undefined)[]>>>();
let lastTarget: Target | undefined;
let lastCache: Map<string, Map<ContextName, (DirectiveCheck | undefined)[]>> | undefined;

function cachedShapeCheck(name: string, context: ContextName, argCount: number, hasBlock: boolean, target: Target): DirectiveCheck {
  if (argCount > maxCachedArgCount) return checkShape(name, context, argCount, hasBlock, target);

  if (target !== lastTarget || !lastCache) {
    const key = `${target.edition} ${target.version}`;
    lastCache = checkCaches.get(key) ?? new Map();
    checkCaches.set(key, lastCache);
    lastTarget = target;
  }
  let byContext = lastCache.get(name);
  if (!byContext) {
    byContext = new Map();
    lastCache.set(name, byContext);
  }
  let byShape = byContext.get(context);
  if (!byShape) {
    byShape = [];
    byContext.set(context, byShape);
  }
  const slot = argCount * 2 + (hasBlock ? 1 : 0);
  let check = byShape[slot];
  if (check === undefined) {
    check = checkShape(name, context, argCount, hasBlock, target);
    byShape[slot] = check;
  }
  return check;
}

function checkShape(name: string, context: ContextName, argCount: number, hasBlock: boolean, target: Target): DirectiveCheck {
  const variants = variantsByName.get(name);
  if (!variants) return isThirdPartyDirective(name) ? { kind: 'ok', variant: undefined } : { kind: 'unknown', reason: undefined };

  const available = variants.filter((variant) => unavailableReason(variant, target) === undefined);
  if (available.length === 0) return { kind: 'unknown', reason: unavailableReason(variants[0] as DirectiveVariant, target) };

  const allowedHere = available.filter((variant) => {
    if (!variant.contexts.has(context)) return false;
    const since = variant.contexts.get(context);
    return since === undefined || atLeast(target, since);
  });
  const variant = allowedHere[0];
  if (!variant) return { kind: 'not-allowed-here' };

  // nginx checks the terminator before the argument count (ngx_conf_handler()).
  if (variant.block && !hasBlock) {
    return { kind: 'invalid-arguments', message: `directive "${name}" has no opening "{"`, hint: `"${name}" takes a block: write "${name} … { … }" in place of ";".` };
  }
  if (!variant.block && hasBlock) {
    return {
      kind: 'invalid-arguments',
      message: `directive "${name}" is not terminated by ";"`,
      hint: `"${name}" takes no block: end it with ";" and move the lines inside the braces out.`,
      unexpectedBlock: true,
    };
  }

  const counted = allowedHere.find((candidate) => argCount >= candidate.minArgs && argCount <= candidate.maxArgs);
  if (!counted) {
    return {
      kind: 'invalid-arguments',
      message: `invalid number of arguments in "${name}" directive`,
      hint: `"${name}" takes ${describeArgumentCounts(allowedHere)} here, and this one has ${argCount}. Look for a missing value, an extra word, or a value with spaces that needs quotes.`,
    };
  }
  return { kind: 'ok', variant: counted };
}

/** Describes the argument counts of the variants, such as "2 arguments" or "1 to 3 arguments". */
function describeArgumentCounts(variants: readonly DirectiveVariant[]): string {
  const ranges = [...new Set(variants.map(({ minArgs, maxArgs }) => {
    if (maxArgs === Infinity) return `${minArgs} or more arguments`;
    if (minArgs === maxArgs) return `${minArgs} argument${minArgs === 1 ? '' : 's'}`;
    return `${minArgs} to ${maxArgs} arguments`;
  }))];
  return ranges.join(' or ');
}

/** Returns the context of a block directive's children, or undefined for data blocks and unknown blocks. */
export function childContext(name: string, context: ContextName | undefined, variant: DirectiveVariant | undefined): ContextName | undefined {
  if (variant?.extra.entries) return undefined;
  switch (name) {
    case 'events':
    case 'http':
    case 'stream':
    case 'mail':
    case 'mgmt':
      return context === 'main' ? name : undefined;
    case 'server':
      if (context === 'http') return 'server';
      if (context === 'stream') return 'stream-server';
      if (context === 'mail') return 'mail-server';
      return undefined;
    case 'upstream':
      if (context === 'http') return 'upstream';
      if (context === 'stream') return 'stream-upstream';
      return undefined;
    case 'location':
      return 'location';
    case 'if':
      return context === 'server' ? 'sif' : 'lif';
    case 'limit_except':
      return 'lmt';
    default:
      return undefined;
  }
}
