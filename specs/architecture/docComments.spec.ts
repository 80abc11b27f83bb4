import { expect } from 'chai';
import * as path from 'node:path';
import * as ts from 'typescript';

/** Every name the package exports says what it is: a doc comment (or a `@deprecated` tag naming its new name). */
describe('architecture: the public API is documented', function () {
  this.timeout(120_000);

  it('every export of lib/index.ts has a doc comment at its declaration', () => {
    const entry = path.resolve(__dirname, '../../lib/index.ts');
    const program = ts.createProgram([entry], {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      noEmit: true,
      skipLibCheck: true,
    });
    const checker = program.getTypeChecker();
    const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!);
    expect(exports.length).to.be.greaterThan(150);
    const undocumented = exports
      .filter((exp) => {
        const symbol = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
        return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === '' && symbol.getJsDocTags(checker).length === 0;
      })
      .map((exp) => exp.name);
    expect(undocumented).to.deep.equal([]);
  });
});
