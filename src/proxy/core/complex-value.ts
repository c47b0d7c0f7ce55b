/**
 * nginx complex values (text with `$name` or `${name}` variables), parsed
 * once and evaluated per request with a variable lookup. A missing variable
 * evaluates to the empty string, as nginx's not-found variables do.
 */
export type VariableLookup = (name: string) => string | undefined;

export interface ComplexValue {
  /** True when the text has no variables. */
  readonly constant: boolean;
  evaluate(lookup: VariableLookup): string;
}

export function compileComplexValue(text: string): ComplexValue {
  const parts: { literal: string; variable?: string }[] = [];
  const pattern = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parts.push({ literal: text.slice(last, match.index), variable: `$${match[1] ?? match[2]!}` });
    last = match.index + match[0].length;
  }
  const tail = text.slice(last);

  if (parts.length === 1 && parts[0]!.literal === '' && tail === '') {
    const name = parts[0]!.variable!;
    return { constant: false, evaluate: (lookup) => lookup(name) ?? '' };
  }
  return {
    constant: parts.length === 0,
    evaluate(lookup) {
      let result = '';
      for (const part of parts) result += part.literal + (lookup(part.variable!) ?? '');
      return result + tail;
    },
  };
}
