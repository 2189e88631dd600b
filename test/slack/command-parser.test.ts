import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { parseArgs, tokenize, words } from '../../src/slack/command-parser.js';

describe('tokenize', () => {
  it.each([
    ['status churn-model', ['status', 'churn-model']],
    ['  run   churn  auc=0.91 ', ['run', 'churn', 'auc=0.91']],
    ['run x --note "two words"', ['run', 'x', '--note', 'two words']],
    ['run x --note “smart quotes”', ['run', 'x', '--note', 'smart quotes']],
    ["run x --note 'single'", ['run', 'x', '--note', 'single']],
    ['a --k="quoted value"', ['a', '--k=quoted value']],
    ['metrics auc &gt;= 0.85 &amp; f1', ['metrics', 'auc', '>=', '0.85', '&', 'f1']],
    ['say ""', ['say', '']],
  ])('%s', (text, expected) => {
    expect(words(tokenize(text))).toEqual(expected);
  });

  it('reads user mentions in both forms Slack sends and channel mentions', () => {
    expect(tokenize('gate x --voters <@U123ABC|ana> <@W999> <#C0CHAN|ml>')).toEqual([
      { kind: 'word', value: 'gate' },
      { kind: 'word', value: 'x' },
      { kind: 'word', value: '--voters' },
      { kind: 'user', id: 'U123ABC' },
      { kind: 'user', id: 'W999' },
      { kind: 'channel', id: 'C0CHAN' },
    ]);
  });

  it('an unclosed quote is a clear error', () => {
    expect(() => tokenize('run x --note "oops')).toThrow(DomainError);
    expect(() => tokenize('run x --note "oops')).toThrow(/never closed/);
  });
});

describe('parseArgs', () => {
  const flags = { param: 'multi', name: 'string', anonymous: 'boolean', voters: 'users' } as const;

  it('splits positionals from declared flags, keeping repeated multi flags', () => {
    const a = parseArgs(tokenize('churn auc=0.9 --param lr=0.1 --param depth=3 --name=rf-1 --anonymous --voters <@U1> <@U2|b> trailing'), flags);
    expect(words(a.positionals)).toEqual(['churn', 'auc=0.9', 'trailing']);
    expect(a.multi.param).toEqual(['lr=0.1', 'depth=3']);
    expect(a.strings.name).toBe('rf-1');
    expect(a.booleans.has('anonymous')).toBe(true);
    expect(a.users.voters).toEqual(['U1', 'U2']);
  });

  it('keeps negative numbers as positionals, not flags', () => {
    expect(words(parseArgs(tokenize('x -3 -0.5'), flags).positionals)).toEqual(['x', '-3', '-0.5']);
  });

  it.each([
    ['x --bogus 1', /Unknown option --bogus\. Options: --param, --name, --anonymous, --voters/],
    ['x --name', /--name needs a value/],
    ['x --name --anonymous', /--name needs a value/],
    ['x --anonymous=yes', /--anonymous takes no value/],
    ['x --voters nobody', /--voters needs one or more @mentions/],
  ])('%s is refused: %s', (text, message) => {
    expect(() => parseArgs(tokenize(text), flags)).toThrow(message);
  });
});
