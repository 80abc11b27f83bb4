import { expect } from 'chai';
import { Rng } from '../../lib/core/rng';
import { FakerTemplateError, fakeTemplate } from '../../lib/schema/fakerTemplate';
import { MAX_FAKE_PLACEHOLDERS } from '../../lib/schema/fakerArgs';
import { GeneratorError } from '../../lib/schema/generator';
import { compileGenerator } from '../../lib/schema/generatorRegistry';
import { SeededFaker } from '../../lib/schema/seededFaker';
import { compileExpression } from '../../lib/expr';
import { messageThrown } from '../helpers/thrown';
import { storyFunctions } from '../../lib/story/storyFunctions';

const fakerAt = (seed: number) => new SeededFaker().use(new Rng(seed), 0);

/** The refusal message of expanding `template`. */
const refusal = (template: string): string => messageThrown(() => fakeTemplate(fakerAt(1), template), FakerTemplateError, template);

describe('schema/fakerTemplate: helpers.fake follows only faker’s own paths', () => {
  it("gives faker's own output and draws the same randomness for valid templates", () => {
    const templates = [
      '{{person.firstName}} {{person.lastName}}',
      '{{person.first_name.generic}} lives at {{location.street_pattern}}',
      '{{person.prefix}} {{person.suffix}}',
      '{{number.int(10)}}-{{number.int({"min": 5, "max": 9})}}',
      '{{helpers.arrayElements(["a","b","c"], 2)}}',
      '{{person.firstName(female)}} <{{internet.email}}>',
      'no placeholders, {{Upper}} and {{unclosed',
    ];
    for (const template of templates) {
      for (let seed = 0; seed < 20; seed++) {
        const theirs = fakerAt(seed);
        const ours = fakerAt(seed);
        expect(fakeTemplate(ours, template), `${template} @${seed}`).to.equal(theirs.helpers.fake(template));
        expect(ours.number.int(1e9), `randomness after ${template} @${seed}`).to.equal(theirs.number.int(1e9));
      }
    }
    const list = ['{{person.firstName}}', '{{company.name}}'];
    expect(fakeTemplate(fakerAt(3), list)).to.equal(fakerAt(3).helpers.fake(list));
  });

  it('refuses inherited properties and anything that is not a method or locale data', () => {
    for (const token of [
      'constructor.constructor(return process)',
      'constructor',
      'prototype.x',
      'person.constructor',
      'person.toString',
      'person.faker',
      'helpers.hasOwnProperty',
      'person.firstName.length',
      'person.__proto__',
    ]) {
      expect(refusal(`x {{${token}}}`), token).to.equal(`"{{${token}}}" is not a faker method or locale data path`);
    }
    expect(fakeTemplate(fakerAt(1), '{{__proto__}}')).to.equal('{{__proto__}}'); // not a placeholder: text, as in faker
    expect(refusal('{{person.firstName().length}}')).to.equal('"{{person.firstName().length}}": only "{{module.method(arguments)}}" can be called');
  });

  it('checks placeholders that results bring in, too', () => {
    // faker's own helpers.fake would expand the "{{constructor…}}" that the first placeholder builds
    expect(refusal('{{string.fromCharacters(["{"],2)}}constructor.constructor(return 7*6)}}')).to.equal(
      '"{{constructor.constructor(return 7*6)}}" is not a faker method or locale data path',
    );
  });

  it('bounds the arguments of placeholders and the size of the expansion', () => {
    expect(refusal('{{lorem.paragraphs(10000000)}}')).to.equal(
      '"{{lorem.paragraphs(10000000)}}": argument 1 is 10000000, more than the limit of 10000 (MAX_FAKER_SIZE)',
    );
    // a template whose placeholder gives back a placeholder would never end
    const quine = '{{helpers.arrayElement(["{{helpers.arrayElement([\\"x\\"])\\u007d\\u007d{{person.firstName\\u007d\\u007d"])}}';
    expect(fakeTemplate(fakerAt(1), quine)).to.be.a('string');
    const many = '{{person.firstName}}'.repeat(MAX_FAKE_PLACEHOLDERS + 1);
    expect(refusal(many)).to.equal(`the template expands more than ${MAX_FAKE_PLACEHOLDERS} placeholders (MAX_FAKE_PLACEHOLDERS)`);
  });

  it('as a generator: a GeneratorError at compile time, in the YAML model format and the builder', () => {
    const site = { where: 'User.tag', name: 'tag', type: 'string' as const };
    expect(() => compileGenerator('faker.helpers.fake', { args: ['{{constructor.constructor(return 1)}}'] }, site)).to.throw(
      GeneratorError,
      'User.tag: faker method "helpers.fake" (hint "faker.helpers.fake") refuses the template: "{{constructor.constructor(return 1)}}" is not a faker method or locale data path',
    );
    const ok = compileGenerator('helpers.fake', { args: ['{{person.firstName}}!'] }, site);
    expect(ok({ rng: new Rng(1), faker: fakerAt(1), now: 0 })).to.match(/^\w+!$/);
  });

  it('in the story format: an ExprEvalError at the call', () => {
    const r = compileExpression("faker.helpers.fake('{{constructor.constructor}}')", { functions: storyFunctions() });
    expect(r.ok).to.equal(true);
    if (r.ok) expect(() => r.evaluate({}, { faker: fakerAt(1) } as never)).to.throw(/^faker\.helpers\.fake\(\): .*refuses the template/);
  });
});
