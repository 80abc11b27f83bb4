/**
 * How an error message shows a value a flow or a model got wrong: JSON for plain values, the tag
 * of a tagged object (what an action or a state init looks like), else the object's kind.
 *
 * @example
 * describeValue({ _tag: 'Wait' }); // '{ _tag: "Wait" }'
 * describeValue(42); // '42'
 */
export const describeValue = (u: unknown): string => {
  if (u === null || typeof u !== 'object') return JSON.stringify(u) ?? String(u);
  const tag = (u as { _tag?: unknown })._tag;
  return tag === undefined ? Object.prototype.toString.call(u) : `{ _tag: ${JSON.stringify(tag)} }`;
};
