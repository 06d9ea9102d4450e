import { getBool, getMessage, getMessages, getNumber, getNumbers, getString, parsePrototxt } from '../../src/nets/prototxt';

describe('prototxt parser', () => {
  it('reads nested messages, repeated fields, enums, booleans and comments', () => {
    const m = parsePrototxt(`
      name: "Net" # a comment
      layer {
        name: 'conv' type: "Convolution"
        bottom: "data" bottom: "extra"
        convolution_param { num_output: 64 kernel_size: 3 kernel_size: 5; stride: 2, pad: -1.5e1 bias_term: false }
        pooling_param: { pool: MAX }
      }
      layer < name: "b" >
      dims: [1, 2, 3]
      text: "tab\\there" "+more" octal: "\\101\\x42"
      inf_value: -inf
      suffixed: 1.5f
    `);
    expect(getString(m, 'name')).toBe('Net');
    const layers = getMessages(m, 'layer');
    expect(layers).toHaveLength(2);
    const conv = layers[0]!;
    expect(getString(conv, 'name')).toBe('conv');
    expect(conv.bottom).toEqual(['data', 'extra']);
    const p = getMessage(conv, 'convolution_param');
    expect(getNumber(p, 'num_output')).toBe(64);
    expect(getNumbers(p, 'kernel_size')).toEqual([3, 5]);
    expect(getNumber(p, 'pad', 0)).toBe(-15);
    expect(getNumber(p, 'dilation', 1)).toBe(1);
    expect(getBool(p, 'bias_term', true)).toBe(false);
    expect(getString(getMessage(conv, 'pooling_param'), 'pool')).toBe('MAX');
    expect(getString(layers[1], 'name')).toBe('b');
    expect(getNumbers(m, 'dims')).toEqual([1, 2, 3]);
    expect(getString(m, 'text')).toBe('tab\there+more');
    expect(getString(m, 'octal')).toBe('AB');
    expect(getNumber(m, 'inf_value')).toBe(-Infinity);
    expect(getNumber(m, 'suffixed')).toBe(1.5);
  });

  it('reports the line of a syntax error', () => {
    expect(() => parsePrototxt('a {\n b: 1\n')).toThrow(/line 2: '}' expected/);
    expect(() => parsePrototxt('a: 1\n}')).toThrow(/line 2: field name expected/);
    expect(() => parsePrototxt('a: "open\n"')).toThrow(expect.objectContaining({ code: 'BAD_MODEL', message: expect.stringContaining('line 1: unterminated') }));
  });
});
