import { Readable } from 'node:stream';
import { csvRecords } from './csv-records';
import { ReportFormatError } from './major-to-minor';

async function records(chunks: (string | Buffer)[]): Promise<string[][]> {
  const out: string[][] = [];
  for await (const batch of csvRecords(Readable.from(chunks))) out.push(...batch);
  return out;
}

describe('CSV records (RFC 4180)', () => {
  const text = '\ufeffa,b,c\r\n1,"x, ""quoted""\nover two lines",\n\n2,,"z"\n3,last,no line end';
  const expected = [
    ['a', 'b', 'c'],
    ['1', 'x, "quoted"\nover two lines', ''],
    ['2', '', 'z'],
    ['3', 'last', 'no line end'],
  ];

  it('reads quoted fields, doubled quotes, line breaks inside quotes, CRLF, a BOM, blank lines and a last line without end', async () => {
    expect(await records([text])).toEqual(expected);
  });

  it('gives the same records however the stream is cut, even inside a quote, a CRLF or a UTF-8 character', async () => {
    const withAccent = `${text}\n4,"é€",ok\n`;
    const bytes = Buffer.from(withAccent, 'utf8');
    const whole = await records([withAccent]);
    expect(whole).toEqual([...expected, ['4', 'é€', 'ok']]);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(await records([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(whole);
    }
    expect(await records([...withAccent])).toEqual(whole);
  });

  it('refuses a quote that never closes, text after a closing quote and a quote inside an unquoted field', async () => {
    await expect(records(['a,"open\n'])).rejects.toThrow(ReportFormatError);
    await expect(records(['a,"closed"x\n'])).rejects.toThrow(/after a closing quote/);
    await expect(records(['a,b"c\n'])).rejects.toThrow(/quote inside an unquoted field/);
  });
});
