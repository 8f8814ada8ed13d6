import type { PaymentCommand } from '../commands';
import type { DomainErrorDetails } from '../errors';
import { DomainError } from '../errors';
import type { PaymentEvent } from '../events';
import { decide, evolve, foldPayment } from '../payment';

type DomainErrorClass = abstract new (...args: never[]) => DomainError;

/**
 * given([...history]).when(command).then([...expected]) for the payment decider; the projections' specs have the
 * same shape (`given([...history]).when(readModel).then([...rows])`, libs/projections/src/ledger/testing/given.ts).
 */
export function given(history: readonly PaymentEvent[]) {
  return {
    when(command: PaymentCommand) {
      const run = () => decide(command, foldPayment(history));
      return {
        then(expected: readonly PaymentEvent[]): void {
          const produced = run();
          expect(produced).toStrictEqual(expected);
          // What decide returns must fold onto the state it was decided from.
          expect(() => produced.reduce(evolve, foldPayment(history))).not.toThrow();
        },
        thenThrows(errorClass: DomainErrorClass, details?: DomainErrorDetails): void {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(errorClass);
          if (details) expect((caught as DomainError).details).toMatchObject(details);
        },
      };
    },
  };
}
