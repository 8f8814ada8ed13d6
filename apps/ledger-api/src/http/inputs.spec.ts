import { decodedPath, isFreeTextField } from './inputs';

describe('decodedPath', () => {
  it('decodes percent-encoding, twice-encoded too, and malformed escapes byte by byte', () => {
    expect(decodedPath('/v1/payments/%34%31%31%31/refunds')).toBe('/v1/payments/4111/refunds');
    expect(decodedPath('/v1/payments/%2534111')).toBe('/v1/payments/4111');
    expect(decodedPath('/v1/%E0%A4%A/%34')).toBe('/v1/\u00e0\u00a4%A/4');
  });
});

describe('isFreeTextField', () => {
  it.each(['description', 'metadata.note', 'metadata["a b"]'])('%s is free text', (path) => {
    expect(isFreeTextField(path)).toBe(true);
  });

  it.each(['reason', 'customerId', 'metadata', 'card.token', 'metadata.note.x', 'metadata.a[0]'])('%s is not', (path) => {
    expect(isFreeTextField(path)).toBe(false);
  });
});
