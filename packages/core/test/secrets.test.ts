import { describe, expect, it } from 'vitest';
import { embeddedSecrets, makeRedactor } from '../src/index.js';

// The regex the one-pass scan replaces (quadratic on a long run of letters, issue 14): kept here as
// the oracle the scan must agree with.
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^@\s/]+)@/gi;
const byRegex = (text: string) => [...text.matchAll(URL_PASSWORD)].map((m) => m[1]!);

describe('embeddedSecrets', () => {
  it('finds URL passwords (and their decoded form) and libpq passwords', () => {
    expect(embeddedSecrets('postgres://app:s%40cret@db:5432/x')).toEqual(['s%40cret', 's@cret']);
    expect(embeddedSecrets("host=db password='p w' user=x")).toEqual(['p w']);
    expect(embeddedSecrets('amqp://guest:guest@mq/ and redis://:hunter22@cache:6379')).toEqual(['guest', 'guest', 'hunter22', 'hunter22']);
    expect(embeddedSecrets('https://example.com/path, no credentials')).toEqual([]);
  });

  it('agrees with the regex it replaces, on tricky input', () => {
    const samples = [
      'a://x:y/b://u:p@h',
      'a://bb://u:p@h',
      '1http://u:p@h',
      '+://u:p@h x9://u:p@h',
      'HTTP://U:P@H',
      'x://u:p:q@h',
      'x://:p@h x://u:@h x://u@h',
      'x://u:p@h://v:q@i',
      'ab://u:p@cd://v:q@e',
      'x://u\t:p@h x://u:p q@h',
      'mongodb+srv://root:r00t@cluster/db?x=y://a:b@c',
    ];
    const decoded = (p: string) => { try { return [p, decodeURIComponent(p)]; } catch { return [p]; } };
    for (const s of samples) expect(embeddedSecrets(s), s).toEqual(byRegex(s).flatMap(decoded));
  });

  it('reads 1 MB values of the shapes that made the regex quadratic', () => {
    const MB = 1 << 20;
    expect(embeddedSecrets('a'.repeat(MB))).toEqual([]);
    expect(embeddedSecrets('a://'.repeat(MB / 4))).toEqual([]);
    expect(embeddedSecrets('x://u:'.repeat(MB / 6))).toEqual([]);
    expect(embeddedSecrets(`${'a'.repeat(MB)}://u:secret@h`)).toEqual(['secret', 'secret']);
  });
});

describe('makeRedactor', () => {
  it('replaces every secret, longest first, and leaves short values alone', () => {
    const redact = makeRedactor(['hunter22', 'hunter2', 'abc']);
    expect(redact('a hunter22 b hunter2 c abc')).toBe('a <redacted> b <redacted> c abc');
    expect(makeRedactor([])('unchanged')).toBe('unchanged');
  });
});
