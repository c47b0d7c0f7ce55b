/** A JSON Schema node, reduced to the keywords that nest properties. */
export interface SchemaNode {
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
}

/**
 * Lists the path of every property in a schema, such as `clients.NAME.address`:
 * `NAME` stands for a key of a map, and items of an array share the array's
 * path. Each definition is expanded once, where it first appears. A property
 * named in `resetAt` starts its children's paths afresh, for lists whose
 * entries are documented on their own, such as scenario steps.
 */
export function schemaPropertyPaths(schema: SchemaNode & { $defs: Record<string, SchemaNode> }, resetAt?: string): string[] {
  const paths: string[] = [];
  const expanded = new Set<string>();

  const walk = (node: SchemaNode, prefix: string) => {
    if (node.$ref !== undefined) {
      const name = node.$ref.replace('#/$defs/', '');
      if (expanded.has(name)) return;
      expanded.add(name);
      walk(schema.$defs[name]!, prefix);
      return;
    }
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (!paths.includes(path)) paths.push(path);
      walk(child, path === resetAt ? '' : path);
    }
    if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${prefix}.NAME`);
    if (node.items !== undefined) walk(node.items, prefix);
    for (const branch of [...(node.oneOf ?? []), ...(node.anyOf ?? [])]) walk(branch, prefix);
  };

  walk(schema, '');
  return paths;
}
