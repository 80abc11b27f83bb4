'use strict';
// Lets require() load TypeScript scenarios (.ts, .mts, .cts) by stripping their types, with no
// type check (that is the user's `tsc`'s business). The transpiler is the first one found:
//   1. sucrase (fastest to load),
//   2. the project's own TypeScript compiler (`transpileModule`),
//   3. Node's own type stripping (Node 22.18+, erasable syntax only).
// Neither sucrase nor typescript is a dependency of the package: a TypeScript project has its
// compiler already, and an install without them stays small. Files under node_modules are left
// to Node. Registering twice is a no-op.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const EXTENSIONS = ['.ts', '.mts', '.cts'];

/** A syntax error in a TypeScript file, located (line and column are 1-based). */
class TypeScriptSyntaxError extends Error {
  constructor(file, line, column, message) {
    super(`${file}:${line}:${column} syntax error: ${message}`);
    this.name = 'TypeScriptSyntaxError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.reason = message;
  }
}

/** No transpiler could be found for a TypeScript file. */
class NoTypeScriptTranspilerError extends Error {
  constructor(file) {
    super(
      `${file} is TypeScript, and no transpiler was found to run it: install sucrase (npm install --save-dev sucrase) ` +
        'or typescript in the project, use Node 22.18 or later (it strips types itself), or compile the scenario to JavaScript',
    );
    this.name = 'NoTypeScriptTranspilerError';
  }
}

const resolveFrom = (name, dirs) => {
  try {
    return require.resolve(name, { paths: dirs });
  } catch {
    return undefined;
  }
};

/** `code` with its source map inline, so that stack traces (and the CLI's error locations) point into the .ts file. */
const withSourceMap = (code, map) => `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;

const sucrase = (entry) => {
  const { transform } = require(entry);
  return (code, filename, shown) => {
    try {
      const out = transform(code, {
        transforms: ['typescript', 'imports'],
        production: true,
        // Node 20 runs ?. ?? and class fields natively; sucrase's helpers for them allocate per call.
        disableESTransforms: true,
        filePath: shown,
        sourceMapOptions: { compiledFilename: filename },
      });
      return withSourceMap(out.code, { ...out.sourceMap, sources: [path.basename(filename)] });
    } catch (e) {
      if (e && e.loc)
        throw new TypeScriptSyntaxError(shown, e.loc.line, e.loc.column, e.message.replace(/^Error transforming .*?: /, '').replace(/ \(\d+:\d+\)$/, ''));
      throw e;
    }
  };
};

const typescript = (entry) => {
  const ts = require(entry);
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: true };
  return (code, filename, shown) => {
    // TypeScript emits ESM for an .mts name whatever `module` says; require() needs CommonJS.
    const out = ts.transpileModule(code, { fileName: filename.replace(/\.[cm]ts$/i, '.ts'), reportDiagnostics: true, compilerOptions });
    const error = (out.diagnostics || []).find((d) => d.category === ts.DiagnosticCategory.Error);
    if (error !== undefined) {
      const at = error.file !== undefined && error.start !== undefined ? error.file.getLineAndCharacterOfPosition(error.start) : { line: 0, character: 0 };
      throw new TypeScriptSyntaxError(shown, at.line + 1, at.character + 1, ts.flattenDiagnosticMessageText(error.messageText, ' '));
    }
    const js = out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '');
    return withSourceMap(js, { ...JSON.parse(out.sourceMapText), sources: [path.basename(filename)] });
  };
};

/** The transpiler to use for `file`, looked up from the file's folder, the working folder and this package. */
const findTranspiler = (file) => {
  const dirs = [path.dirname(file), process.cwd(), __dirname];
  const sucraseEntry = resolveFrom('sucrase', dirs);
  if (sucraseEntry !== undefined) return { name: 'sucrase', transpile: sucrase(sucraseEntry) };
  const typescriptEntry = resolveFrom('typescript', dirs);
  if (typescriptEntry !== undefined) return { name: 'typescript', transpile: typescript(typescriptEntry) };
  return undefined;
};

let registered = false;

/** Installs the require() hook for .ts, .mts and .cts files; `file` is the first one to load. */
const registerTypeScript = (file = path.join(process.cwd(), 'scenario.ts')) => {
  if (registered) return;
  const transpiler = findTranspiler(file);
  if (transpiler === undefined) {
    if (process.features && process.features.typescript) return; // Node strips the types itself.
    throw new NoTypeScriptTranspilerError(path.relative(process.cwd(), file) || file);
  }
  registered = true;
  // Stack traces through the inline source maps: a model mistake is located in the user's .ts.
  process.setSourceMapsEnabled(true);
  const javascript = Module._extensions['.js'];
  for (const ext of EXTENSIONS) {
    const previous = Module._extensions[ext];
    // A loader that is already there (ts-node, say) is the user's choice; Node's own is replaced.
    if (previous !== undefined && !(process.features && process.features.typescript)) continue;
    Module._extensions[ext] = (module, filename) => {
      if (/[\\/]node_modules[\\/]/.test(filename)) return (previous || javascript)(module, filename);
      const shown = path.relative(process.cwd(), filename) || filename;
      module._compile(transpiler.transpile(fs.readFileSync(filename, 'utf8'), filename, shown), filename);
    };
  }
};

module.exports = { registerTypeScript, TypeScriptSyntaxError, NoTypeScriptTranspilerError };
