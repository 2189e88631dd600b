/**
 * Where a JSON text first goes wrong, and what was expected there. JSON.parse on Node 20 often says
 * only "Unexpected token" with a snippet and no position, and a client with a 50 MB body needs a
 * line and column. Run only after JSON.parse has failed; a scan without building values, with an
 * explicit stack so deep nesting cannot overflow.
 */
export interface JsonSyntaxProblem {
  /** 1-based line and column (in UTF-16 code units) of the offending character. */
  line: number;
  column: number;
  problem: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
// JSON forbids raw control characters in strings, so the class must name them.
// eslint-disable-next-line no-control-regex
const STRING_CHARS = /(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*/y;

export function locateJsonError(text: string): JsonSyntaxProblem | null {
  let i = 0;
  const fail = (problem: string): JsonSyntaxProblem => {
    let line = 1;
    let lineStart = 0;
    for (let k = text.indexOf('\n'); k !== -1 && k < i; k = text.indexOf('\n', k + 1)) {
      line++;
      lineStart = k + 1;
    }
    const found = i >= text.length ? 'the end of the body' : JSON.stringify(text[i]);
    return { line, column: i - lineStart + 1, problem: `${problem}, found ${found}` };
  };
  const skip = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  /** The rest of a string after its opening quote; on failure, i is at the offending character. */
  const string = (): JsonSyntaxProblem | null => {
    match(STRING_CHARS);
    if (text[i] === '"') {
      i++;
      return null;
    }
    if (i >= text.length) return fail('expected the closing quote of a string');
    return fail(text[i] === '\\' ? 'expected a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)' : 'expected no control character (a raw line break or tab?) inside a string');
  };
  /** A property name and its colon, as after '{' or a ',' inside an object. */
  const propertyName = (): JsonSyntaxProblem | null => {
    if (text[i] !== '"') return fail('expected a property name in double quotes');
    i++;
    const bad = string();
    if (bad) return bad;
    skip();
    if (text[i] !== ':') return fail("expected ':' after the property name");
    i++;
    return null;
  };
  const match = (re: RegExp): boolean => {
    re.lastIndex = i;
    if (!re.test(text)) return false;
    i = re.lastIndex;
    return true;
  };
  // What closes each open container: ']' or '}'.
  const stack: string[] = [];
  // After a value inside a container: a comma or the closer. Otherwise: a value is due.
  let afterValue = false;
  for (;;) {
    skip();
    if (afterValue) {
      const closer = stack[stack.length - 1];
      if (closer === undefined) return i < text.length ? fail('expected the end of the body after the value') : null;
      if (text[i] === ',') {
        i++;
        skip();
        if (closer === '}') {
          const bad = propertyName();
          if (bad) return bad;
        }
        afterValue = false;
        continue;
      }
      if (text[i] === closer) {
        i++;
        stack.pop();
        continue;
      }
      return fail(`expected ',' or '${closer}'`);
    }
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      skip();
      if (text[i] === (c === '{' ? '}' : ']')) {
        i++;
        afterValue = true;
        continue;
      }
      stack.push(c === '{' ? '}' : ']');
      if (c === '{') {
        const bad = propertyName();
        if (bad) return bad;
      }
      continue;
    }
    if (c === '"') {
      i++;
      const bad = string();
      if (bad) return bad;
    } else if (!match(NUMBER) && !match(LITERAL)) {
      return fail('expected a value (a number, a string in double quotes, true, false, null, an array or an object)');
    }
    afterValue = true;
  }
}
