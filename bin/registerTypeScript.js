'use strict';
// Lets require() load TypeScript (.ts, .mts, .cts) by stripping types with sucrase: pure
// JavaScript, no type check (that is the user's `tsc`'s business) and far faster to load than
// the TypeScript compiler. Files under node_modules are left to Node. Registering twice is a no-op.
let registered = false;

exports.registerTypeScript = () => {
  if (registered) return;
  registered = true;
  // Loaded here, not at the top: a YAML or JavaScript run never pays for sucrase.
  const { addHook } = require('sucrase/dist/register');
  const options = {
    transforms: ['typescript', 'imports'],
    production: true,
    // Node 20 runs ?. ?? and class fields natively; sucrase's helpers for them allocate per call.
    disableESTransforms: true,
  };
  const hookOptions = { matcher: (file) => !/[\\/]node_modules[\\/]/.test(file) };
  for (const ext of ['.ts', '.mts', '.cts']) addHook(ext, options, hookOptions);
};
