// `npm run lint`: eslint with typescript-eslint's recommended rules, then prettier --check (the
// formatting is prettier's alone: `npm run format`). Type-aware rules stay off: `tsc` checks types.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const node = {
  console: 'readonly',
  process: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  performance: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
  setImmediate: 'readonly',
  clearImmediate: 'readonly',
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'out/', '.tmp/', '.services/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: node } },
  {
    rules: {
      // `FieldDef<any>`, `EntityType<any>`: heterogeneous collections of generic definitions,
      // where `unknown` would reject every concrete one. Strict tsc checks the rest.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A variable a closure reads before its one assignment (a subscription made after the callbacks that unsubscribe it).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // The outer `this` inside a `function (this: SchedulerAction)` callback of an RxJS scheduler.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['self', 'run', 'player'] }],
    },
  },
  {
    // bin/, scripts/ and the test/bench hooks are plain CommonJS for Node.
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { ...node, require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', __filename: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
