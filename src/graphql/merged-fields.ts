import { Kind, print, type DocumentNode, type FieldNode, type SelectionNode, type SelectionSetNode } from "graphql";

/**
 * The document with repeated calls of one field folded into one: sibling fields with the same name,
 * arguments and directives (under different aliases, or spelt out twice) resolve to the same objects,
 * which the per-request loaders fetch once, so they are priced once, with all their sub-selections.
 */
export function mergeRepeatedFields(document: DocumentNode): DocumentNode {
  return {
    ...document,
    definitions: document.definitions.map((definition) =>
      "selectionSet" in definition && definition.selectionSet ? { ...definition, selectionSet: mergeSelectionSet(definition.selectionSet) } : definition,
    ),
  };
}

function mergeSelectionSet(selectionSet: SelectionSetNode): SelectionSetNode {
  const merged: SelectionNode[] = [];
  const fields = new Map<string, FieldNode>();
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) {
      merged.push(selection.kind === Kind.INLINE_FRAGMENT ? { ...selection, selectionSet: mergeSelectionSet(selection.selectionSet) } : selection);
      continue;
    }
    const key = callKey(selection);
    const earlier = fields.get(key);
    if (!earlier) {
      fields.set(key, selection);
      merged.push(selection);
      continue;
    }
    const combined = combine(earlier, selection);
    fields.set(key, combined);
    merged[merged.indexOf(earlier)] = combined;
  }
  return {
    ...selectionSet,
    selections: merged.map((selection) =>
      selection.kind === Kind.FIELD && selection.selectionSet ? { ...selection, selectionSet: mergeSelectionSet(selection.selectionSet) } : selection,
    ),
  };
}

/** What makes two field selections the same call: the field, its arguments and its directives (not the alias). */
function callKey(field: FieldNode): string {
  const args = [...(field.arguments ?? [])].sort((a, b) => a.name.value.localeCompare(b.name.value)).map(print);
  return `${field.name.value}(${args.join(",")})${(field.directives ?? []).map(print).join("")}`;
}

function combine(first: FieldNode, second: FieldNode): FieldNode {
  if (!first.selectionSet || !second.selectionSet) return first;
  return { ...first, selectionSet: { ...first.selectionSet, selections: [...first.selectionSet.selections, ...second.selectionSet.selections] } };
}
