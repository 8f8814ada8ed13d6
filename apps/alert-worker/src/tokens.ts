export const ALERT_DELIVERY = Symbol('ALERT_DELIVERY');
export const ALERT_LOGGER = Symbol('ALERT_LOGGER');
