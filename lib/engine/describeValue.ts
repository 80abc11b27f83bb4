/**
 * How an error message shows a value a flow or a model got wrong: JSON for plain values, the tag
 * of a tagged object (what an action or a state init looks like), else the object's kind.
 *
 * @example
 * describeValue({ _tag: 'Wait' }); // '{ _tag: "Wait" }'
 * describeValue(42); // '42'
 * thrownValue({ code: 7 }); // 'it threw {"code":7} (not an Error)'
 */
export const describeValue = (u: unknown): string => {
  if (u === null || typeof u !== 'object') return JSON.stringify(u) ?? String(u);
  const tag = (u as { _tag?: unknown })._tag;
  return tag === undefined ? Object.prototype.toString.call(u) : `{ _tag: ${JSON.stringify(tag)} }`;
};

/** What a flow threw that is not an Error, as text (JSON when it can be): never "[object Object]". */
export const thrownValue = (e: unknown): string => {
  let text: string;
  try {
    text = JSON.stringify(e) ?? String(e);
  } catch {
    text = String(e);
  }
  return `it threw ${text} (not an Error)`;
};
