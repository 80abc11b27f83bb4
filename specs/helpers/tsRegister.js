// Loads the TypeScript specs through ts-node with the swc transpiler (fast start); `npm test`
// type-checks everything with tsc before mocha runs.
require('ts-node').register({ transpileOnly: true, swc: true });
