// Loads bench/*.ts through ts-node with the sucrase transpiler (fast start, no type check; `npm run
// typecheck` covers bench/). Used as `node -r ./bench/tsRegister.js bench/index.ts` and by the
// child processes bench/index.ts forks.
require('ts-node').register({ transpileOnly: true, transpiler: require.resolve('../bin/sucraseTranspiler.js') });
