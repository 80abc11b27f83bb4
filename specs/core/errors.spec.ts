import { expect } from 'chai';
import * as lib from '../../lib';
import { DeepFakerError, ModelError } from '../../lib/core/errors';
import { UsageError } from '../../lib/cli/parseOutput';

describe('core/errors', () => {
  const exportedErrors = Object.entries(lib).filter(([name, v]) => typeof v === 'function' && /Errors?$/.test(name) && v.prototype instanceof Error);

  it('every error class the library exports is a DeepFakerError, its name its class name', () => {
    expect(exportedErrors.length).to.be.greaterThan(10);
    for (const [name, ctor] of exportedErrors) {
      expect(ctor === DeepFakerError || (ctor as { prototype: unknown }).prototype instanceof DeepFakerError, name).to.equal(true);
    }
    expect(new lib.SchemaError('x').name).to.equal('SchemaError');
    expect(new lib.SinkError('file:x', new Error('EACCES')).name).to.equal('SinkError');
  });

  it('mistakes in the model are ModelErrors; failures of a run and of the command line are not', () => {
    const model = ['SchemaError', 'FieldError', 'GeneratorError', 'HintError', 'SettingsError', 'DurationError', 'ConfigErrors'];
    for (const [name, ctor] of exportedErrors) {
      expect(ctor === ModelError || (ctor as { prototype: unknown }).prototype instanceof ModelError, name).to.equal(
        model.includes(name) || name === 'ModelError',
      );
    }
    expect(new UsageError('x')).to.be.instanceOf(DeepFakerError).and.not.instanceOf(ModelError);
  });

  it('a thrown model mistake is caught as a ModelError', () => {
    let caught: unknown;
    try {
      lib.event('Signup', { email: lib.field.string({ faker: 'emial' }) });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(ModelError);
    expect((caught as Error).message).to.match(/Signup\.email: unknown faker hint "emial"; did you mean "email"\?/);
  });
});
