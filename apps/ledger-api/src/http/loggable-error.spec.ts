import { QueryFailedError } from 'typeorm';
import { loggableError } from './loggable-error';

const PAN = '4111111111111111';

describe('loggableError', () => {
  it('keeps of a pg error only its code and schema names', () => {
    const pg = Object.assign(new Error(`invalid input syntax for type integer: "${PAN}"`), {
      name: 'error',
      code: '22P02',
      detail: `Key (id)=(${PAN}) exists`,
      where: `jsonb ${PAN}`,
      routine: 'pg_strtoint32',
      table: 'payments',
    });
    const logged = JSON.stringify(loggableError(pg));
    expect(logged).not.toContain(PAN);
    expect(loggableError(pg)).toMatchObject({ type: 'error', code: '22P02', routine: 'pg_strtoint32', table: 'payments' });
  });

  it('drops the query text and parameters TypeORM adds', () => {
    const driver = Object.assign(new Error(`value "${PAN}"`), { code: '23505', detail: PAN });
    const error = new QueryFailedError(`INSERT INTO x VALUES ('${PAN}')`, [PAN], driver);
    const logged = loggableError(error);
    expect(JSON.stringify(logged)).not.toContain(PAN);
    expect(logged).toMatchObject({ type: 'QueryFailedError', code: '23505' });
  });

  it('keeps message and stack of an ordinary error, and follows its cause', () => {
    const error = new Error('boom', { cause: Object.assign(new Error(PAN), { code: '22021', where: PAN }) });
    const logged = loggableError(error);
    expect(logged).toMatchObject({ type: 'Error', message: 'boom', cause: { code: '22021' } });
    expect(JSON.stringify(logged)).not.toContain(PAN);
  });
});
