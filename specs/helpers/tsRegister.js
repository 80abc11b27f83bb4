// Loads the TypeScript specs through ts-node with the sucrase transpiler (fast start); `npm test`
// type-checks everything with tsc before mocha runs.
require('ts-node').register({ transpileOnly: true, transpiler: require.resolve('../../bin/sucraseTranspiler.js') });
