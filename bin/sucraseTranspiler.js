// A ts-node transpiler plugin (ts-node's `transpiler` option) backed by sucrase: a pure-JavaScript
// TypeScript transpiler that strips types and turns imports into require() much faster than
// tsc, with no native binary. ts-node keeps doing what it does (require hook, source maps);
// `npm test` type-checks with tsc.
const { transform } = require('sucrase');

exports.create = () => ({
  transpile(input, { fileName }) {
    const out = transform(input, {
      transforms: ['typescript', 'imports'],
      filePath: fileName,
      sourceMapOptions: { compiledFilename: fileName },
      production: true,
      // Node 20 runs ?. ?? and class fields natively; sucrase's helpers for them allocate per call.
      disableESTransforms: true,
    });
    return { outputText: out.code, sourceMapText: JSON.stringify(out.sourceMap) };
  },
});
