export * from './stripe-fixtures';
export * from './paystack-fixtures';
