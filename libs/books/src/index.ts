export * from './accounts';
export * from './posting/posting-rule';
export * from './posting/payment-state';
export * from './posting/payment-rules';
export * from './periods/periods';
export * from './periods/close-event';
export * from './projection/journal-entry';
export * from './projection/books-projection';
